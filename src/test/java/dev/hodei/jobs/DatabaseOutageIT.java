package dev.hodei.jobs;

import static dev.hodei.testing.JobAssert.assertThatJob;
import static dev.hodei.testing.JobSpecs.shell;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hodei.testing.ServerProcess;
import dev.hodei.testing.TestClient;
import hodei.v1.Job;
import hodei.v1.JobEvent;
import hodei.v1.JobState;
import hodei.v1.LogChunk;
import io.grpc.StatusRuntimeException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL (external to the control plane here, as in production) stops while jobs run and stays
 * away until every job has ended on its worker (about ten seconds), then comes back: the control
 * plane recovers by itself, every job ends SUCCEEDED with its output, none is lost or recorded twice.
 */
class DatabaseOutageIT {

    static final int JOBS = 8;

    @Test
    void theControlPlaneRidesOutADatabaseOutageWhileItsJobsEnd() throws Exception {
        Path data = Files.createDirectories(Path.of("target", "test-home", "pg-" + UUID.randomUUID())).toAbsolutePath();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EmbeddedPostgres pg = startPostgres(data, port);
        try (ServerProcess server = new ServerProcess(List.of(
                "--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                "--spring.datasource.username=postgres",
                "--spring.datasource.hikari.connection-timeout=2000",
                // all its jobs run through the outage at once, more than this machine's default admits
                "--hodei.capacity.providers.process.cpu=" + JOBS)).start();
             TestClient client = new TestClient(server.grpcPort())) {
            // the marker finds this test's job shells among the machine's processes
            String marker = "outage-" + UUID.randomUUID();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                ids.add(client.submit(shell(": " + marker + "; echo start " + i + "; sleep 12; echo done " + i)).getId());
            }
            // every job mid-run when the database goes: each agent loses its stream and must resume
            await("every job running").atMost(Duration.ofSeconds(60)).until(() -> ids.stream()
                    .allMatch(id -> client.get(id).getState() == JobState.JOB_STATE_RUNNING));

            // RUNNING is recorded when the job is sent; on a busy machine an agent forks its shell a
            // moment later (CI once found none yet): the database goes only once every command runs
            await("every job's shell running").atMost(Duration.ofSeconds(30)).until(() -> shellsMarked(marker) == JOBS);

            pg.close();
            // away until the control plane has felt it, and until every job has ended on its worker:
            // each agent then holds output and a result that only the returning database can take
            await("the control plane failing calls without its database").atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThatThrownBy(() -> client.get(ids.get(0)))
                            .isInstanceOf(StatusRuntimeException.class));
            await("every job's command ended").atMost(Duration.ofSeconds(60)).until(() -> shellsMarked(marker) == 0);
            pg = startPostgres(data, port);

            Map<String, Job> done = new ConcurrentHashMap<>();
            await("every job ended").atMost(Duration.ofSeconds(120)).until(() -> {
                for (String id : ids) {
                    try {
                        Job j = client.get(id);
                        if (j.getState().getNumber() >= JobState.JOB_STATE_SUCCEEDED_VALUE) done.put(id, j);
                    } catch (StatusRuntimeException e) {
                        // still recovering
                    }
                }
                return done.size() == JOBS;
            });
            for (int i = 0; i < JOBS; i++) {
                String id = ids.get(i);
                Job j = done.get(id);
                assertThatJob(j).as("job %d", i).hasState(JobState.JOB_STATE_SUCCEEDED);
                assertThat(client.events(id)).filteredOn(e -> e.getToState() == JobState.JOB_STATE_SUCCEEDED)
                        .extracting(JobEvent::getToState).hasSize(1);
                List<LogChunk> logs = client.logs(id);
                String out = logs.stream().map(c -> c.getData().toString(StandardCharsets.UTF_8)).collect(Collectors.joining());
                assertThat(out).as("job %d output", i).isEqualTo("start " + i + "\ndone " + i + "\n");
            }
            try (var c = pg.getPostgresDatabase().getConnection(); var st = c.createStatement();
                 var rs = st.executeQuery("SELECT count(*) FROM jobs")) {
                rs.next();
                assertThat(rs.getLong(1)).as("jobs stored").isEqualTo(JOBS);
            }
        } finally {
            pg.close();
        }
    }

    private static long shellsMarked(String marker) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(marker)).count();
    }

    private static EmbeddedPostgres startPostgres(Path data, int port) throws Exception {
        return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port)
                .setServerConfig("synchronous_commit", "on").start();
    }
}
