package dev.hodei.pools;

import static dev.hodei.testing.JobAssert.assertThatJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hodei.lifecycle.WarmPoolUpkeep;
import dev.hodei.testing.ControlPlaneIT;
import dev.hodei.testing.JobSpecs;
import dev.hodei.workers.DestroyReason;
import hodei.v1.GetQueueRequest;
import hodei.v1.Job;
import hodei.v1.JobEvent;
import hodei.v1.JobSpec;
import hodei.v1.JobState;
import hodei.v1.LogChunk;
import hodei.v1.ProviderQueue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * A warm pool on the process provider: one worker always waits, up to two after jobs took from it,
 * back to one after five idle seconds (its workers take the default core each; the provider counts four).
 * Each warm worker is used for one job and destroyed after it.
 */
@TestPropertySource(properties = {"hodei.pools.process.min-idle=1", "hodei.pools.process.max-idle=2",
        "hodei.pools.process.idle-timeout=5s", "hodei.capacity.providers.process.cpu=4"})
class WarmPoolIT extends ControlPlaneIT {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aJobTakesAWarmWorkerMadeBeforeItWhichIsDestroyedAfterItAndReplaced() {
        awaitReadyWarmWorker();

        Job job = client.submit(JobSpecs.shell("echo \"job $HODEI_JOB_ID\""));
        Job done = client.awaitEnd(job.getId());

        assertThatJob(done).hasState(JobState.JOB_STATE_SUCCEEDED);
        UUID warm = UUID.fromString(done.getWorkerId());
        assertThat(rows.worker(warm).pool()).isEqualTo("process");
        // started before the job existed: no provider call was made for it
        assertThat(rows.worker(warm).createdAt())
                .isBefore(Instant.ofEpochSecond(done.getCreatedAt().getSeconds(), done.getCreatedAt().getNanos()));
        assertThat(client.events(job.getId())).extracting(JobEvent::getReason)
                .contains("warm worker " + warm + " of pool process");
        assertThat(stdout(job.getId())).isEqualTo("job " + job.getId() + "\n");
        await("the used warm worker destroyed").atMost(WAIT)
                .until(() -> DestroyReason.IMMEDIATE.label().equals(rows.worker(warm).destroyReason()));
        await("the pool refilled").atMost(WAIT).until(() -> !rows.readyWarmWorkers("process").isEmpty());
    }

    @Test
    void aJobBiggerThanThePoolsWorkersGetsItsOwn() {
        UUID warm = awaitReadyWarmWorker();

        Job done = client.awaitEnd(client.submit(JobSpec.newBuilder().setShell("true").setCpu(1.5).build()).getId());

        assertThatJob(done).hasState(JobState.JOB_STATE_SUCCEEDED);
        assertThat(done.getWorkerId()).isNotEqualTo(warm.toString());
        assertThat(rows.worker(UUID.fromString(done.getWorkerId())).pool()).isNull();
    }

    @Test
    void thePoolGrowsAfterJobsTookFromItAndShrinksBackToMinIdleWhenIdle() {
        long retiredBefore = rows.warmWorkersDestroyed("process", DestroyReason.POOL_IDLE.label());
        for (int i = 0; i < 2; i++) {
            awaitReadyWarmWorker();
            assertThatJob(client.awaitEnd(client.submit(JobSpecs.shell("true")).getId()))
                    .hasState(JobState.JOB_STATE_SUCCEEDED);
        }

        await("two idle after two jobs took from the pool").atMost(WAIT)
                .until(() -> rows.readyWarmWorkers("process").size() == 2);
        await("one retired after the idle timeout").atMost(WAIT)
                .until(() -> rows.warmWorkersDestroyed("process", DestroyReason.POOL_IDLE.label()) > retiredBefore
                        && rows.readyWarmWorkers("process").size() == 1);
    }

    @Test
    void theQueueCountsIdleWarmWorkersAgainstTheProvidersCapacity() {
        awaitReadyWarmWorker();

        ProviderQueue process = client.jobs().getQueue(GetQueueRequest.getDefaultInstance()).getProvidersList().stream()
                .filter(p -> p.getProvider().equals("process")).findFirst().orElseThrow();

        assertThat(process.getWarmIdle()).isBetween(1, 2);
        assertThat(process.getCpuInUse()).isGreaterThanOrEqualTo(0.5 * process.getWarmIdle());
        assertThat(process.getMemoryMbInUse()).isGreaterThanOrEqualTo(256L * process.getWarmIdle());
    }

    /** The harness checks no agent is left before this context closes (which drains the pool): drain it now, as a stop does. */
    @AfterAll
    static void drainPool(@Autowired WarmPoolUpkeep upkeep) {
        upkeep.drain();
    }

    private UUID awaitReadyWarmWorker() {
        await("a ready warm worker").atMost(WAIT).until(() -> !rows.readyWarmWorkers("process").isEmpty());
        return rows.readyWarmWorkers("process").get(0);
    }

    private String stdout(String jobId) {
        return client.logs(jobId).stream().map(LogChunk::getData).map(d -> d.toString(StandardCharsets.UTF_8))
                .collect(Collectors.joining());
    }
}
