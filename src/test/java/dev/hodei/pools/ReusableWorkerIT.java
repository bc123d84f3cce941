package dev.hodei.pools;

import static dev.hodei.testing.JobAssert.assertThatJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hodei.capacity.Admission;
import dev.hodei.jobs.JobStore;
import dev.hodei.lifecycle.WarmPoolUpkeep;
import dev.hodei.testing.ControlPlaneIT;
import dev.hodei.testing.JobSpecs;
import dev.hodei.testing.Rows;
import dev.hodei.testing.TestClient;
import hodei.v1.CreateTokenRequest;
import hodei.v1.Job;
import hodei.v1.JobState;
import hodei.v1.LogChunk;
import hodei.v1.Role;
import hodei.v1.SubmitJobRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * A pool of reusable workers for the {@code default} namespace: one agent runs up to three jobs in
 * turn, each in a fresh workspace and environment, and is then replaced.
 */
@TestPropertySource(properties = {"hodei.pools.trusted.provider=process", "hodei.pools.trusted.min-idle=1",
        "hodei.pools.trusted.namespace=default", "hodei.pools.trusted.reuse-jobs=3"})
class ReusableWorkerIT extends ControlPlaneIT {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void theNextJobOnTheSameWorkerFindsAFreshWorkspaceACleanEnvironmentAndNoLeftoverProcess() throws Exception {
        awaitReadyWorker();
        String marker = "leftover-" + UUID.randomUUID();
        Job first = client.awaitEnd(client.submit(JobSpecs.shell(
                "export LEFT=1; echo secret > \"$HOME/left\"; (: " + marker + "; sleep 300; :) & echo \"$HOME\"")).getId());
        assertThatJob(first).hasState(JobState.JOB_STATE_SUCCEEDED);
        assertThat(processesMarked(marker)).as("the job's background process, killed with its workspace").isZero();
        awaitReadyWorker();

        Job second = client.awaitEnd(client.submit(JobSpecs.shell("echo \"$HOME\"; ls -A \"$HOME\" | wc -l; env")).getId());

        assertThatJob(second).hasState(JobState.JOB_STATE_SUCCEEDED);
        assertThat(second.getWorkerId()).isEqualTo(first.getWorkerId());
        Path firstHome = Path.of(stdout(first).strip());
        List<String> lines = stdout(second).lines().toList();
        assertThat(Path.of(lines.get(0))).isNotEqualTo(firstHome);
        assertThat(lines.get(1).strip()).as("files in the second job's workspace").isEqualTo("0");
        assertThat(Files.exists(firstHome)).as("the first job's workspace removed").isFalse();
        assertThat(lines.subList(2, lines.size())).contains("HODEI_JOB_ID=" + second.getId())
                .noneMatch(l -> l.startsWith("LEFT="));
    }

    @Test
    void aWorkerRunsAtMostReuseJobsAndIsThenReplaced() {
        List<Job> done = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            awaitReadyWorker();
            done.add(client.awaitEnd(client.submit(JobSpecs.shell("true")).getId()));
        }

        done.forEach(j -> assertThatJob(j).hasState(JobState.JOB_STATE_SUCCEEDED));
        Map<String, Long> perWorker = done.stream().collect(Collectors.groupingBy(Job::getWorkerId, Collectors.counting()));
        assertThat(perWorker.size()).as("workers for 5 jobs").isBetween(2, 3);
        for (String worker : perWorker.keySet()) {
            assertThat(rows.jobsTaken(UUID.fromString(worker))).isBetween(1, 3);
            if (rows.jobsTaken(UUID.fromString(worker)) == 3) {
                await("a worker that ran its third job destroyed").atMost(WAIT)
                        .until(() -> rows.worker(UUID.fromString(worker)).destroyReason() != null);
            }
        }
    }

    @Test
    void anotherNamespacesJobNeverTakesTheReusableWorkers() {
        awaitReadyWorker();
        String secret = client.tokens().createToken(CreateTokenRequest.newBuilder().setName("team-b-" + UUID.randomUUID()
                .toString().substring(0, 8)).setRole(Role.ROLE_SUBMITTER).addNamespaces("team-b").build()).getSecret();
        try (TestClient teamB = new TestClient(grpc.port(), secret)) {
            Job job = teamB.jobs().submitJob(SubmitJobRequest.newBuilder().setNamespace("team-b")
                    .setSpec(JobSpecs.shell("true").build()).build()).getJob();
            Job done = teamB.awaitEnd(job.getId());

            assertThatJob(done).hasState(JobState.JOB_STATE_SUCCEEDED);
            assertThat(rows.worker(UUID.fromString(done.getWorkerId())).pool()).isNull();
        }
    }

    @Test
    void aWorkerBetweenItsResultAndItsReturnToThePoolStillHoldsItsShare(@Autowired JobStore jobs) {
        Job done = client.awaitEnd(client.submit(JobSpecs.shell("true")).getId());
        assertThatJob(done).hasState(JobState.JOB_STATE_SUCCEEDED);
        awaitReadyWorker();
        UUID worker = rows.readyWarmWorkers("trusted").get(0);
        Admission.Use before = jobs.inUse().getOrDefault("process", Admission.Use.NONE);
        // job-completed's gap held open: the job ended, its worker not yet back in the pool
        jdbc.update("UPDATE workers SET job_id = ?, state = 'BUSY' WHERE id = ?", UUID.fromString(done.getId()), worker);
        try {
            Admission.Use between = jobs.inUse().get("process");
            assertThat(between.workers()).isEqualTo(before.workers() + 1);
            assertThat(between.cpu()).isGreaterThan(before.cpu());
        } finally {
            jdbc.update("UPDATE workers SET job_id = NULL, state = 'READY' WHERE id = ?", worker);
        }
    }

    @AfterAll
    static void drainPool(@Autowired WarmPoolUpkeep upkeep, @Autowired JdbcTemplate jdbc) {
        // a job is over a moment before its worker is back in the pool, and the drain ends idle workers only
        await("the pool's workers back in the pool").atMost(WAIT).until(() -> new Rows(jdbc).busyWorkers("trusted") == 0);
        upkeep.drain();
    }

    private void awaitReadyWorker() {
        await("a ready worker in the pool").atMost(WAIT).until(() -> !rows.readyWarmWorkers("trusted").isEmpty());
    }

    private String stdout(Job job) {
        return client.logs(job.getId()).stream().map(LogChunk::getData).map(d -> d.toString(StandardCharsets.UTF_8))
                .collect(Collectors.joining());
    }

    private static long processesMarked(String marker) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(marker)).count();
    }
}
