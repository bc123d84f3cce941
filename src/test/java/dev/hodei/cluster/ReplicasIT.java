package dev.hodei.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hodei.testing.ServerProcess;
import dev.hodei.testing.SharedDatabase;
import dev.hodei.testing.TestClient;
import hodei.v1.CancelJobRequest;
import hodei.v1.Job;
import hodei.v1.JobState;
import hodei.v1.LogChunk;
import hodei.v1.StreamLogsRequest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two control planes on one PostgreSQL: a cancel through the replica that does not hold the
 * agent's stream reaches the agent; a replica killed mid-job loses nothing and runs nothing twice
 * (its agent resumes on the other); the singleton duties move to the survivor. One pair of
 * replicas for all tests (starting them is most of the time), in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicasIT {

    SharedDatabase db;
    List<ServerProcess> replicas = new ArrayList<>();
    ServerProcess a;
    ServerProcess b;

    @BeforeAll
    void twoReplicas() throws Exception {
        db = new SharedDatabase();
        replicas = ServerProcess.replicas(2, db.serverArgs("--hodei.workers.gc-interval-ms=2000",
                "--logging.level.dev.hodei.agentapi=DEBUG"));
        a = replicas.get(0).start();
        b = replicas.get(1).start();
    }

    @AfterAll
    void stop() throws Exception {
        for (ServerProcess r : replicas) r.close();
        if (db != null) db.close();
    }

    /** The replica holding the worker's agent stream, as the database records it. */
    String streamHolder(String workerId) throws Exception {
        try (Connection c = db.connect();
             var s = c.prepareStatement("SELECT r.name FROM workers w JOIN replicas r ON r.id = w.replica_id WHERE w.id = ?")) {
            s.setObject(1, UUID.fromString(workerId));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** The output stored so far, without following. */
    static String stored(TestClient client, String jobId) {
        List<LogChunk> chunks = new ArrayList<>();
        client.jobs().streamLogs(StreamLogsRequest.newBuilder().setJobId(jobId).build()).forEachRemaining(chunks::add);
        return output(chunks);
    }

    /** Who holds the singleton duties' advisory lock, as PostgreSQL says (the sessions are named). */
    List<String> lockHolders() throws Exception {
        try (Connection c = db.connect(); var s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a "
                     + "ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted")) {
            List<String> holders = new ArrayList<>();
            while (rs.next()) holders.add(rs.getString(1));
            return holders;
        }
    }

    static String output(List<LogChunk> chunks) {
        return chunks.stream().map(c -> c.getData().toStringUtf8()).collect(Collectors.joining());
    }

    @Test
    @Order(1)
    void aCancelThroughEitherReplicaReachesTheAgentWhereverItIsConnected() throws Exception {
        try (TestClient clientA = new TestClient(a.grpcPort()); TestClient clientB = new TestClient(b.grpcPort())) {
            List<Double> answeredIn = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                // most through replica-b, which never holds the stream (every agent dials replica-a first)
                TestClient through = i % 3 == 2 ? clientA : clientB;
                String sleep = "sleep " + (1200 + i);
                Job job = clientA.submit("echo started; " + sleep);
                await("running, its output flowing").atMost(Duration.ofSeconds(60)).until(() ->
                        clientA.get(job.getId()).getState() == JobState.JOB_STATE_RUNNING
                                && stored(clientA, job.getId()).contains("started"));
                assertThat(streamHolder(clientA.get(job.getId()).getWorkerId())).isEqualTo("replica-a");

                long t0 = System.nanoTime();
                Job answer = through.jobs().cancelJob(CancelJobRequest.newBuilder().setId(job.getId())
                        .setReason("through " + (through == clientB ? "b" : "a")).build());
                answeredIn.add((System.nanoTime() - t0) / 1e9);
                assertThat(answer.getState()).as("the cancel's answer, once the agent reported")
                        .isEqualTo(JobState.JOB_STATE_CANCELLED);
                Job done = clientA.awaitEnd(job.getId());
                assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
                assertThat(done.getAttempt()).isEqualTo(1);
                assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(sleep)))
                        .as("the job's process tree is gone").isEmpty();
            }
            List<Double> sorted = answeredIn.stream().sorted().toList();
            System.out.printf("cancel across replicas: %d cancels, answered CANCELLED in median %.3f s, max %.3f s%n",
                    sorted.size(), sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1));
        }
    }

    @Test
    @Order(3)
    void aCancelForAnAgentConnectedNowhereIsKeptUntilItReconnects() throws Exception {
        a.start(); // replica-a back after the previous test killed it: agents dial it first again
        try (TestClient clientA = new TestClient(a.grpcPort()); TestClient clientB = new TestClient(b.grpcPort())) {
            Job job = clientA.submit("echo started; sleep 1300");
            await("running on an agent connected to replica-a").atMost(Duration.ofSeconds(60)).until(() ->
                    clientB.get(job.getId()).getState() == JobState.JOB_STATE_RUNNING
                            && stored(clientB, job.getId()).contains("started")
                            && "replica-a".equals(streamHolder(clientB.get(job.getId()).getWorkerId())));
            a.freeze(); // replica-a hangs: it holds the agent's stream but delivers nothing

            Job answer = clientB.jobs().cancelJob(CancelJobRequest.newBuilder().setId(job.getId()).build());
            assertThat(answer.getState()).as("not delivered yet: still running").isEqualTo(JobState.JOB_STATE_RUNNING);
            assertThat(answer.getCancelStatus()).startsWith("kept for the agent");
            assertThat(clientB.get(job.getId()).getCancelStatus()).startsWith("kept for the agent");

            a.kill(); // the agent's stream breaks; it resumes on replica-b, which writes the kept cancel
            Job done = clientB.awaitEnd(job.getId());
            assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
            assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains("sleep 1300")))
                    .as("the job's process tree is gone").isEmpty();
        }
    }

    @Test
    @Order(2)
    void aReplicaKilledMidJobLosesNothingAndRunsNothingTwice() throws Exception {
        try (TestClient clientA = new TestClient(a.grpcPort()); TestClient clientB = new TestClient(b.grpcPort())) {
            await("replica-a leads the singleton duties").atMost(Duration.ofSeconds(30))
                    .until(() -> lockHolders().equals(List.of("hodei replica-a singleton-duties")));
            Job job = clientB.submit("echo begin; sleep 8; echo end");
            await("running on an agent connected to replica-a").atMost(Duration.ofSeconds(60)).until(() -> {
                Job j = clientB.get(job.getId());
                return j.getState() == JobState.JOB_STATE_RUNNING && "replica-a".equals(streamHolder(j.getWorkerId()));
            });
            String worker = clientB.get(job.getId()).getWorkerId();

            java.time.Instant killed = java.time.Instant.now();
            a.kill();
            // never two holders, and replica-b within seconds
            await("replica-b leads the singleton duties").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        List<String> holders = lockHolders();
                        assertThat(holders).hasSizeLessThanOrEqualTo(1);
                        return holders.equals(List.of("hodei replica-b singleton-duties"));
                    });
            System.out.printf("singleton duties taken over %.2f s after replica-a was killed%n",
                    Duration.between(killed, java.time.Instant.now()).toMillis() / 1000.0);

            await("the agent resumed on replica-b").atMost(Duration.ofSeconds(30))
                    .until(() -> "replica-b".equals(streamHolder(worker)));
            Job done = clientB.awaitEnd(job.getId());
            assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
            assertThat(done.getAttempt()).as("run once, not again after the replica's loss").isEqualTo(1);
            assertThat(done.getWorkerId()).isEqualTo(worker);
            assertThat(output(clientB.logs(job.getId()))).isEqualTo("begin\nend\n");

            await("replica-a noticed dead").atMost(Duration.ofSeconds(30)).until(() -> {
                String logs = b.logs();
                return logs.contains("Replica replica-a (") && logs.contains("stopped heartbeating");
            });
            // and replica-b alone goes on serving
            Job next = clientB.submit("echo after");
            assertThat(clientB.awaitEnd(next.getId()).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        }
    }
}
