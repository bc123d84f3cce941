package dev.hodei.capacity;

import static dev.hodei.testing.JobAssert.assertThatJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static dev.hodei.testing.Timelines.mostAtOnce;

import dev.hodei.testing.ControlPlaneIT;
import dev.hodei.testing.JobSpecs;
import hodei.v1.GetQueueRequest;
import hodei.v1.Job;
import hodei.v1.JobSpec;
import hodei.v1.JobState;
import hodei.v1.ProviderQueue;
import hodei.v1.Queue;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * Admission on a control plane whose process provider holds one core: at the default request of
 * one core, one job runs at a time and the rest wait in the queue.
 */
@TestPropertySource(properties = "hodei.capacity.providers.process.cpu=1")
class CapacityIT extends ControlPlaneIT {

    @Autowired ProviderCapacities capacities;

    @Test
    void aBurstRunsNoMoreJobsAtOnceThanTheProviderHoldsAndAllOfThemEnd() {
        List<Job> burst = new ArrayList<>();
        for (int i = 0; i < 6; i++) burst.add(client.submit(JobSpecs.shell("sleep 0.5; echo " + i)));

        List<Job> done = burst.stream().map(j -> client.awaitEnd(j.getId())).toList();

        done.forEach(j -> assertThatJob(j).hasState(JobState.JOB_STATE_SUCCEEDED).hasAttempt(1));
        assertThat(mostAtOnce(done)).isBetween(1, 2);
    }

    @Test
    void aJobThatAsksMoreThanItsProviderHasIsRefusedAtSubmit() {
        assertThatThrownBy(() -> client.submit(JobSpec.newBuilder().setShell("true").setCpu(1.5).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(e.getStatus().getDescription())
                            .isEqualTo("spec.cpu: 1.5 cores is more than provider process has ("
                                    + capacities.of("process") + ")")
                            .startsWith("spec.cpu: 1.5 cores is more than provider process has (1 cpu, ");
                });
    }

    @Test
    void aJobThatFillsTheProviderRunsAlone() {
        Job big = client.submit(JobSpec.newBuilder().setShell("sleep 0.5").setCpu(1).build());
        Job small = client.submit(JobSpecs.shell("true"));

        Job bigDone = client.awaitEnd(big.getId());
        Job smallDone = client.awaitEnd(small.getId());

        assertThatJob(bigDone).hasState(JobState.JOB_STATE_SUCCEEDED);
        assertThatJob(smallDone).hasState(JobState.JOB_STATE_SUCCEEDED);
        assertThat(mostAtOnce(List.of(bigDone, smallDone))).isEqualTo(1);
    }

    @Test
    void aWaitingJobSaysWhyAndTheQueueShowsWhatIsInUse() {
        Job big = client.submit(JobSpec.newBuilder().setShell("sleep 3").setCpu(1).build());
        await("the first job admitted").atMost(Duration.ofSeconds(20))
                .until(() -> client.get(big.getId()).getState() != JobState.JOB_STATE_PENDING);
        Job next = client.submit(JobSpecs.shell("true"));

        Job waiting = client.get(next.getId());
        Queue queue = client.jobs().getQueue(GetQueueRequest.getDefaultInstance());

        assertThat(waiting.getState()).isEqualTo(JobState.JOB_STATE_PENDING);
        assertThat(waiting.getWaitingReason())
                .startsWith("first in the process queue; process holds 1 job(s), 1 cpu and 256 MiB of 1 cpu, ");
        ProviderQueue process = queue.getProvidersList().stream().filter(p -> p.getProvider().equals("process"))
                .findFirst().orElseThrow();
        assertThat(process.getCpuCapacity()).isEqualTo(1.0);
        assertThat(process.getCpuInUse()).isEqualTo(1.0);
        assertThat(process.getAdmitted()).isEqualTo(1);
        assertThat(process.getWaiting()).isEqualTo(1);
        assertThat(client.get(big.getId()).getWaitingReason()).isEmpty();
        assertThatJob(client.awaitEnd(next.getId())).hasState(JobState.JOB_STATE_SUCCEEDED);
        assertThatJob(client.awaitEnd(big.getId())).hasState(JobState.JOB_STATE_SUCCEEDED);
    }
}
