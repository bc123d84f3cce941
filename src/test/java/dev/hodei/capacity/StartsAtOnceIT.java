package dev.hodei.capacity;

import static dev.hodei.testing.JobAssert.assertThatJob;
import static dev.hodei.testing.Timelines.mostStartingAtOnce;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hodei.testing.ControlPlaneIT;
import dev.hodei.testing.JobSpecs;
import hodei.v1.GetQueueRequest;
import hodei.v1.Job;
import hodei.v1.JobState;
import hodei.v1.ProviderQueue;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * A provider that may start one worker at a time (as the Docker provider does on a 2-core engine):
 * a burst with room for all its jobs still starts their workers one after another.
 */
@TestPropertySource(properties = "hodei.capacity.providers.process.starting=1")
class StartsAtOnceIT extends ControlPlaneIT {

    @Test
    void aBurstStartsOneWorkerAtATimeAndEveryJobEnds() {
        List<Job> burst = new ArrayList<>();
        for (int i = 0; i < 4; i++) burst.add(client.submit(JobSpecs.shell("sleep 1")));

        List<Job> done = burst.stream().map(j -> client.awaitEnd(j.getId())).toList();

        done.forEach(j -> assertThatJob(j).hasState(JobState.JOB_STATE_SUCCEEDED).hasAttempt(1));
        assertThat(mostStartingAtOnce(done.stream().map(j -> client.events(j.getId())).toList())).isEqualTo(1);
        ProviderQueue process = client.jobs().getQueue(GetQueueRequest.getDefaultInstance()).getProvidersList()
                .stream().filter(p -> p.getProvider().equals("process")).findFirst().orElseThrow();
        assertThat(process.getStartingCapacity()).isEqualTo(1);
        assertThat(process.getStarting()).isZero();
    }
}
