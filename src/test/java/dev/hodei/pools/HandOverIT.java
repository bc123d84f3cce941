package dev.hodei.pools;

import static dev.hodei.testing.JobAssert.assertThatJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hodei.cli.JobOutput;
import dev.hodei.lifecycle.WarmPoolUpkeep;
import dev.hodei.testing.ControlPlaneIT;
import dev.hodei.testing.JobSpecs;
import dev.hodei.testing.Rows;
import dev.hodei.testing.TestClient;
import hodei.v1.CreateTokenRequest;
import hodei.v1.Job;
import hodei.v1.JobState;
import hodei.v1.Role;
import hodei.v1.SubmitJobRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * A reusable worker that reports its job's end takes the head of its provider's queue at once, when
 * that job fits it. One reusable worker for namespace {@code team-h}; jobs ask half a core and the
 * process provider holds one: the pool's worker and one other job ({@code team-b}, which the pool
 * may not take). Jobs run until the test removes their gate file, so no step depends on timing.
 */
@TestPropertySource(properties = {"hodei.pools.handover.provider=process", "hodei.pools.handover.min-idle=1",
        "hodei.pools.handover.namespace=team-h", "hodei.pools.handover.reuse-jobs=1000",
        "hodei.capacity.default-cpu=0.5", "hodei.capacity.providers.process.cpu=1"})
class HandOverIT extends ControlPlaneIT {

    static final Duration WAIT = Duration.ofSeconds(30);

    Path gates;
    Path first;
    Path other;
    TestClient teamH;
    TestClient teamB;

    @BeforeEach
    void gatesAndClients() throws Exception {
        gates = Files.createTempDirectory("hand-over");
        first = Files.createFile(gates.resolve("first"));
        other = Files.createFile(gates.resolve("other"));
        teamH = clientFor("team-h");
        teamB = clientFor("team-b");
        await("the pool's worker ready").atMost(WAIT).until(() -> !rows.readyWarmWorkers("handover").isEmpty());
    }

    @AfterEach
    void openGates() throws Exception {
        // a gated job still running ends as soon as its gate is gone
        Files.deleteIfExists(first);
        Files.deleteIfExists(other);
        Files.deleteIfExists(gates);
        teamH.close();
        teamB.close();
    }

    @Test
    void jobsWaitingWhenAReusableWorkerReportsAreHandedToItAtOnceInQueueOrder() throws Exception {
        Held held = bothHalvesHeld();
        Job holder = held.holder();
        Job running = held.running();
        Job second = submit(teamH, "team-h", "true");
        Job third = submit(teamH, "team-h", "true");

        Files.delete(first);
        Job secondDone = teamH.awaitEnd(second.getId());
        Job thirdDone = teamH.awaitEnd(third.getId());

        String worker = teamH.get(running.getId()).getWorkerId();
        assertThatJob(secondDone).hasState(JobState.JOB_STATE_SUCCEEDED);
        assertThatJob(thirdDone).hasState(JobState.JOB_STATE_SUCCEEDED);
        assertThat(List.of(secondDone.getWorkerId(), thirdDone.getWorkerId())).containsOnly(worker);
        assertThat(handedOver(teamH, second.getId())).as("second's events").isTrue();
        assertThat(handedOver(teamH, third.getId())).as("third's events").isTrue();
        assertThat(JobOutput.instant(secondDone.getStartedAt())).isBefore(JobOutput.instant(thirdDone.getStartedAt()));
        assertThat(teamB.get(holder.getId()).getState()).as("the other job, untouched").isEqualTo(JobState.JOB_STATE_RUNNING);
    }

    @Test
    void aQueueHeadTheWorkerDoesNotFitIsNeitherHandedOverNorSkippedAndTheWorkerGoesBackToItsPool() throws Exception {
        Job running = bothHalvesHeld().running();
        // the queue's head is another namespace's job, which the worker may not take
        Job head = submit(teamB, "team-b", "true");
        Job behind = submit(teamH, "team-h", "true");

        Files.delete(first);
        UUID worker = UUID.fromString(teamH.awaitEnd(running.getId()).getWorkerId());
        await("the worker back in its pool").atMost(WAIT).until(() -> rows.readyWarmWorkers("handover").contains(worker));
        assertThat(teamB.get(head.getId()).getState()).isEqualTo(JobState.JOB_STATE_PENDING);
        assertThat(teamH.get(behind.getId()).getState()).as("the job behind a head that waits")
                .isEqualTo(JobState.JOB_STATE_PENDING);

        Files.delete(other);
        Job headDone = teamB.awaitEnd(head.getId());
        Job behindDone = teamH.awaitEnd(behind.getId());
        assertThatJob(headDone).hasState(JobState.JOB_STATE_SUCCEEDED);
        assertThatJob(behindDone).hasState(JobState.JOB_STATE_SUCCEEDED);
        assertThat(rows.worker(UUID.fromString(headDone.getWorkerId())).pool()).isNull();
        assertThat(behindDone.getWorkerId()).as("taken from the pool by a claim round").isEqualTo(worker.toString());
        assertThat(handedOver(teamB, head.getId())).isFalse();
        assertThat(handedOver(teamH, behind.getId())).isFalse();
    }

    @AfterAll
    static void drainPool(@Autowired WarmPoolUpkeep upkeep, @Autowired JdbcTemplate jdbc) {
        // a job is over a moment before its worker is back in the pool, and the drain ends idle workers only
        await("the pool's workers back in the pool").atMost(WAIT).until(() -> new Rows(jdbc).busyWorkers("handover") == 0);
        upkeep.drain();
    }

    /** The provider's two half cores, each held by a job running until its gate is removed. */
    private record Held(Job holder, Job running) {}

    /**
     * The half core beside the pool's worker taken by a job the pool may not take (gate {@code
     * other}), then the pool's worker by one of its own (gate {@code first}): nothing else fits.
     */
    private Held bothHalvesHeld() {
        Job holder = submit(teamB, "team-b", whileExists(other));
        awaitRunning(teamB, holder.getId());
        Job running = submit(teamH, "team-h", whileExists(first));
        awaitRunning(teamH, running.getId());
        return new Held(holder, running);
    }

    /** A job that runs until {@code gate} is removed. */
    private static String whileExists(Path gate) {
        return "while [ -e '" + gate + "' ]; do sleep 0.05; done";
    }

    private TestClient clientFor(String namespace) {
        String secret = client.tokens().createToken(CreateTokenRequest.newBuilder()
                .setName(namespace + "-" + UUID.randomUUID().toString().substring(0, 8)).setRole(Role.ROLE_SUBMITTER)
                .addNamespaces(namespace).build()).getSecret();
        return new TestClient(grpc.port(), secret);
    }

    private static Job submit(TestClient as, String namespace, String shell) {
        return as.jobs().submitJob(SubmitJobRequest.newBuilder().setNamespace(namespace)
                .setSpec(JobSpecs.shell(shell).build()).build()).getJob();
    }

    private static void awaitRunning(TestClient as, String jobId) {
        await("job " + jobId + " RUNNING").atMost(WAIT).until(() -> as.get(jobId).getState() == JobState.JOB_STATE_RUNNING);
    }

    private static boolean handedOver(TestClient as, String jobId) {
        return as.events(jobId).stream().anyMatch(e -> e.getReason().contains("handed over"));
    }
}
