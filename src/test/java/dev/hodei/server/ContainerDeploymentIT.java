package dev.hodei.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hodei.testing.Docker;
import dev.hodei.testing.TestClient;
import dev.hodei.testing.TestTokens;
import hodei.v1.GetJobRequest;
import hodei.v1.Job;
import hodei.v1.JobState;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The image-based deployment, run: the project's Dockerfile and deploy/postgres built here on the
 * local base image (no registry is reachable), PostgreSQL in its container, two control planes in
 * theirs (host networking, as docker-compose.yml), workers as Docker containers; a job runs
 * through them, and a job whose control plane's container is killed finishes once on the other.
 */
class ContainerDeploymentIT {

    static final String BASE = "hodei-base-jre17:bookworm";
    static final String CONTROL_PLANE = "hodei-control-plane:test";
    static final String POSTGRES = "hodei-postgres:test";
    static final String IMAGE_LABEL = "hodei.test-image";

    final String run = UUID.randomUUID().toString().substring(0, 8);
    final List<String> containers = new ArrayList<>();
    String dbUrl;
    String dbPassword;

    @BeforeAll
    static void images() {
        Docker.require();
        Docker.run(600, "build", "--network", "host", "-q", "--label", IMAGE_LABEL, "--build-arg", "BASE=" + BASE,
                "-t", POSTGRES, "-f", "deploy/postgres/Dockerfile", ".");
        Docker.run(600, "build", "-q", "--label", IMAGE_LABEL, "--build-arg", "BASE=" + BASE, "-t", CONTROL_PLANE, ".");
        // the images these replaced, now untagged: each run would otherwise leave them behind
        Docker.run("image", "prune", "-f", "--filter", "label=" + IMAGE_LABEL);
    }

    @AfterEach
    void removeContainers() throws Exception {
        List<String> workers = List.of();
        try {
            workers = Docker.managedContainers(instanceId());
        } catch (Exception ignored) {
            // the database never came up: no worker was made
        }
        Docker.removeAll(workers);
        Docker.removeAll(containers);
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    String instanceId() throws Exception {
        try (Connection c = DriverManager.getConnection(dbUrl, "hodei", dbPassword); var s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT instance_id::text FROM control_plane WHERE id = 1")) {
            rs.next();
            return rs.getString(1);
        }
    }

    String start(String name, String... args) {
        List<String> cmd = new ArrayList<>(List.of("run", "-d", "--name", "hodei-test-" + name + "-" + run,
                "--network", "host"));
        cmd.addAll(List.of(args));
        String id = Docker.run(cmd.toArray(String[]::new));
        containers.add(id);
        return id;
    }

    @Test
    void twoControlPlaneContainersRunJobsAndTheLossOfOneLosesNothing() throws Exception {
        int pgPort = freePort();
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        dbPassword = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        dbUrl = "jdbc:postgresql://127.0.0.1:" + pgPort + "/hodei";
        String pg = start("postgres", "-e", "POSTGRES_PASSWORD=" + dbPassword, "-e", "PGPORT=" + pgPort, POSTGRES);
        await("PostgreSQL in its container").atMost(Duration.ofSeconds(90)).ignoreExceptions()
                .until(() -> {
                    try (Connection c = DriverManager.getConnection(dbUrl, "hodei", dbPassword)) {
                        return c.isValid(2);
                    }
                });

        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        int[] grpc = {freePort(), freePort()};
        String addresses = "127.0.0.1:" + grpc[0] + ",127.0.0.1:" + grpc[1];
        List<Path> homes = new ArrayList<>();
        List<String> planes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Path home = Files.createDirectories(Path.of("target", "test-home", "container-" + run + "-" + i)).toAbsolutePath();
            homes.add(home);
            planes.add(start("control-plane-" + i,
                    "-v", home + ":/var/lib/hodei", "-v", "/var/run/docker.sock:/var/run/docker.sock",
                    "-e", "HODEI_DB_URL=" + dbUrl, "-e", "HODEI_DB_USER=hodei", "-e", "HODEI_DB_PASSWORD=" + dbPassword,
                    "-e", "HODEI_SECRETS_KEY=" + Base64.getEncoder().encodeToString(key),
                    "-e", "HODEI_GRPC_PORT=" + grpc[i], "-e", "SERVER_PORT=0",
                    "-e", "HODEI_REPLICAS_NAME=container-" + i, "-e", "HODEI_HAWTIO_PASSWORD=" + dbPassword,
                    "-e", "HODEI_DEFAULT_PROVIDER=docker", "-e", "HODEI_PROVIDERS_DOCKER_SERVER_ADDRESS=" + addresses,
                    CONTROL_PLANE));
        }
        List<TestClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Path token = homes.get(i).resolve("admin.token");
                String plane = planes.get(i);
                await("control plane " + i + " ready").atMost(Duration.ofSeconds(120)).until(() -> {
                    if (!"true".equals(Docker.run("inspect", "-f", "{{.State.Running}}", plane))) {
                        throw new AssertionError("control plane " + plane + " exited: " + Docker.run("logs", plane));
                    }
                    return Files.isRegularFile(token);
                });
                TestTokens.register(grpc[i], Files.readString(token).strip());
                TestClient client = new TestClient(grpc[i]);
                clients.add(client);
                java.util.concurrent.atomic.AtomicReference<Status> last = new java.util.concurrent.atomic.AtomicReference<>();
                try {
                    await("control plane " + i + " answering").atMost(Duration.ofSeconds(120)).until(() -> {
                        try {
                            client.jobs().getJob(GetJobRequest.newBuilder().setId(UUID.randomUUID().toString()).build());
                            return false;
                        } catch (StatusRuntimeException e) {
                            last.set(e.getStatus());
                            return e.getStatus().getCode() == Status.Code.NOT_FOUND;
                        }
                    });
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    String logs = Docker.run("logs", "--tail", "60", plane);
                    throw new AssertionError("control plane " + i + " never answered (last: " + last.get() + "):\n" + logs, e);
                }
            }
            TestClient a = clients.get(0);
            TestClient b = clients.get(1);

            Job hello = b.awaitEnd(a.submit("echo hello from a container").getId());
            assertThat(hello.getState()).as(hello.getFailureReason()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
            assertThat(text(b, hello)).isEqualTo("hello from a container\n");

            // every agent dials control plane 0 first; its container killed mid-job, the job goes on
            Job longer = a.submit("echo begin; sleep 6; echo end");
            await("running").atMost(Duration.ofSeconds(120))
                    .until(() -> b.get(longer.getId()).getState() == JobState.JOB_STATE_RUNNING);
            Docker.run("kill", planes.get(0));
            Job done = b.awaitEnd(longer.getId());
            assertThat(done.getState()).as(done.getFailureReason()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
            assertThat(done.getAttempt()).as("run once").isEqualTo(1);
            assertThat(text(b, done)).isEqualTo("begin\nend\n");
            await("its worker container removed").atMost(Duration.ofSeconds(60))
                    .until(() -> Docker.managedContainers(instanceId()).isEmpty());
        } finally {
            clients.forEach(TestClient::close);
        }
        assertThat(pg).isNotBlank();
    }

    static String text(TestClient client, Job job) {
        return client.logs(job.getId()).stream().map(c -> c.getData().toStringUtf8()).collect(Collectors.joining());
    }
}
