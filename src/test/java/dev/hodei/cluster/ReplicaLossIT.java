package dev.hodei.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hodei.testing.ServerProcess;
import dev.hodei.testing.SharedDatabase;
import dev.hodei.testing.TestClient;
import hodei.v1.Job;
import hodei.v1.JobState;
import hodei.v1.LogChunk;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three replicas on one PostgreSQL, jobs of 1–5 s submitted through all three; one replica
 * SIGKILLed mid-run, later a second stopped cleanly: every job SUCCEEDED once (attempt 1, its
 * output once, whole, in order) and nothing is left. {@code -Dhodei.replica-loss.jobs=200} makes
 * it the benchmark of docs/benchmarks.md (the figures are printed).
 */
class ReplicaLossIT {

    static final int JOBS = Integer.getInteger("hodei.replica-loss.jobs", 15);

    SharedDatabase db;
    List<ServerProcess> replicas = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (ServerProcess r : replicas) r.close();
        if (db != null) db.close();
    }

    long count(String sql) throws Exception {
        try (Connection c = db.connect(); var s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    Instant instant(String sql) throws Exception {
        try (Connection c = db.connect(); var s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            Timestamp t = rs.getTimestamp(1);
            return t == null ? null : t.toInstant();
        }
    }

    @Test
    void oneReplicaKilledAndAnotherStoppedMidRunEveryJobRunsOnce() throws Exception {
        db = new SharedDatabase();
        replicas = ServerProcess.replicas(3, db.serverArgs("--hodei.workers.gc-interval-ms=2000"));
        for (ServerProcess r : replicas) r.start();
        ServerProcess a = replicas.get(0);
        ServerProcess b = replicas.get(1);
        ServerProcess c = replicas.get(2);
        List<TestClient> clients = new ArrayList<>();
        try {
            for (ServerProcess r : replicas) clients.add(new TestClient(r.grpcPort()));
            List<Job> jobs = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                int seconds = 1 + i % 5;
                jobs.add(clients.get(i % 3).submit("echo start-" + i + "; sleep " + seconds + "; echo end-" + i));
            }
            TestClient survivor = clients.get(2);
            await("jobs running on agents of replica-a").atMost(Duration.ofSeconds(90)).until(() ->
                    count("SELECT count(*) FROM workers w JOIN replicas r ON r.id = w.replica_id "
                            + "WHERE r.name = 'replica-a' AND w.state = 'BUSY'") >= 2);
            Instant killed = Instant.now();
            a.kill();
            await("a third of the jobs done").atMost(Duration.ofMinutes(10)).until(() ->
                    jobs.stream().filter(j -> survivor.get(j.getId()).getState() == JobState.JOB_STATE_SUCCEEDED)
                            .count() >= JOBS / 3);
            b.stop();

            List<Job> done = new ArrayList<>();
            for (Job j : jobs) done.add(survivor.awaitEnd(j.getId()));
            double longestPause = 0;
            for (int i = 0; i < JOBS; i++) {
                Job j = done.get(i);
                assertThat(j.getState()).as("job %d: %s", i, j.getFailureReason()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
                assertThat(j.getAttempt()).as("job %d ran once: %s", i, history(j.getId())).isEqualTo(1);
                List<LogChunk> chunks = survivor.logs(j.getId());
                assertThat(chunks.stream().map(ch -> ch.getData().toStringUtf8()).collect(Collectors.joining()))
                        .as("job %d's output, once and in order", i).isEqualTo("start-" + i + "\nend-" + i + "\n");
                Instant first = at(chunks.get(0));
                Instant last = at(chunks.get(chunks.size() - 1));
                longestPause = Math.max(longestPause, Duration.between(first, last).toMillis() / 1000.0 - (1 + i % 5));
            }
            await("every worker destroyed").atMost(Duration.ofSeconds(60))
                    .until(() -> count("SELECT count(*) FROM workers WHERE destroyed_at IS NULL") == 0);
            Instant noticed = instant("SELECT noticed_dead_at FROM replicas WHERE name = 'replica-a'");
            assertThat(noticed).as("replica-a noticed dead").isNotNull();
            assertThat(count("SELECT count(*) FROM replicas WHERE name = 'replica-b' AND stopped_at IS NOT NULL"))
                    .as("replica-b's clean stop recorded").isEqualTo(1);
            System.out.printf("replica loss: %d jobs on 3 replicas, one SIGKILLed, one stopped: all SUCCEEDED once; "
                            + "dead replica noticed %.1f s after the kill; longest pause a job saw %.2f s%n",
                    JOBS, Duration.between(killed, noticed).toMillis() / 1000.0, longestPause);
        } finally {
            clients.forEach(TestClient::close);
        }
    }

    /** The job's transitions with their reasons, for a failure message. */
    String history(String jobId) throws Exception {
        try (Connection c = db.connect();
             var s = c.prepareStatement("SELECT string_agg(coalesce(from_state, '') || '->' || to_state || ' (' || coalesce(reason, '') || ')', "
                     + "'; ' ORDER BY id) FROM job_events WHERE job_id = ?::uuid")) {
            s.setString(1, jobId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    static Instant at(LogChunk c) {
        return Instant.ofEpochSecond(c.getTime().getSeconds(), c.getTime().getNanos());
    }
}
