package dev.hodei.providers.docker;

import static dev.hodei.testing.JobAssert.assertThatJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hodei.lifecycle.WarmPoolUpkeep;
import dev.hodei.server.ControlPlaneIdentity;
import dev.hodei.testing.ControlPlaneIT;
import dev.hodei.testing.Docker;
import dev.hodei.testing.JobSpecs;
import dev.hodei.workers.DestroyReason;
import hodei.v1.Job;
import hodei.v1.JobState;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/** A warm pool on the real Docker engine: a container started before its job runs it, then goes, and is replaced. */
@TestPropertySource(properties = {"hodei.pools.containers.provider=docker", "hodei.pools.containers.min-idle=1"})
class DockerWarmPoolIT extends ControlPlaneIT {

    static final Duration WAIT = Duration.ofSeconds(60);

    @BeforeEach
    void requireDocker() {
        Docker.require();
    }

    @Test
    void aJobTakesAWarmContainerWhichIsRemovedAfterItAndReplaced() {
        await("a ready warm container").atMost(WAIT).until(() -> !rows.readyWarmWorkers("containers").isEmpty());

        Job done = client.awaitEnd(client.submit(JobSpecs.shell("echo \"in $HODEI_JOB_ID\"").on("docker")).getId());

        assertThatJob(done).hasState(JobState.JOB_STATE_SUCCEEDED);
        UUID warm = UUID.fromString(done.getWorkerId());
        assertThat(rows.worker(warm).pool()).isEqualTo("containers");
        assertThat(client.logs(done.getId())).extracting(c -> c.getData().toStringUtf8())
                .containsExactly("in " + done.getId() + "\n");
        await("its container removed").atMost(WAIT).until(() ->
                DestroyReason.IMMEDIATE.label().equals(rows.worker(warm).destroyReason())
                        && Docker.run("ps", "-aq", "--filter", "name=hodei-worker-" + warm).isEmpty());
        await("the pool refilled").atMost(WAIT).until(() -> !rows.readyWarmWorkers("containers").isEmpty());
    }

    /** Drains the pool as a stop does, then checks no container of this control plane is left. */
    @AfterAll
    static void noContainerLeft(@Autowired WarmPoolUpkeep upkeep, @Autowired ControlPlaneIdentity identity) {
        upkeep.drain();
        try {
            await("no hodei.managed container left").atMost(Duration.ofSeconds(20))
                    .until(() -> Docker.managedContainers(identity.instanceId()).isEmpty());
        } finally {
            Docker.removeAll(Docker.managedContainers(identity.instanceId()));
        }
    }
}
