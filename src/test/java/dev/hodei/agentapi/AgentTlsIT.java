package dev.hodei.agentapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hodei.server.ControlPlaneIdentity;
import dev.hodei.server.GrpcServer;
import dev.hodei.server.HodeiProperties;
import dev.hodei.testing.Agents;
import dev.hodei.testing.Docker;
import dev.hodei.testing.KubernetesMock;
import dev.hodei.testing.TestClient;
import dev.hodei.testing.TestTls;
import dev.hodei.testing.TlsControlPlaneInitializer;
import dev.hodei.testing.TlsControlPlaneTest;
import hodei.v1.GetJobRequest;
import hodei.v1.Job;
import hodei.v1.JobSpec;
import hodei.v1.JobState;
import hodei.v1.LogChunk;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import org.apache.commons.lang3.exception.ExceptionUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * gRPC over TLS end to end: agents of every provider verify the server with the CA they are
 * handed and run their jobs; a client or an agent that does not trust the server's CA gets nowhere.
 */
@TlsControlPlaneTest
class AgentTlsIT {

    static final TestTls TLS = TlsControlPlaneInitializer.TLS;

    @Autowired GrpcServer grpc;
    @Autowired HodeiProperties props;
    @Autowired org.springframework.jdbc.core.JdbcTemplate jdbc;
    TestClient client;

    @BeforeEach
    void connect() {
        client = TestClient.mtls(grpc.port(), TLS);
    }

    @AfterEach
    void close() {
        client.close();
    }

    @AfterAll
    static void nothingLeft(@Autowired ControlPlaneIdentity identity) {
        try {
            Agents.assertNoneLeft(identity.instanceId());
        } finally {
            if (dockerAnswers()) Docker.removeAll(Docker.managedContainers(identity.instanceId()));
            KubernetesMock k8s = KubernetesMock.get();
            k8s.client().pods().inNamespace(KubernetesMock.NAMESPACE).withLabel("hodei.instance", identity.instanceId()).delete();
        }
    }

    @Test
    void theServerSpeaksTlsOnly() {
        assertThat(grpc.tls()).isTrue();
        try (TestClient plaintext = new TestClient(grpc.port())) {
            assertThatThrownBy(() -> plaintext.get(UUID.randomUUID().toString()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        }
    }

    @Test
    void anApiClientWithoutAClientCertificateIsRefusedAndAgentsNeedNone() {
        try (TestClient noCertificate = TestClient.tls(grpc.port(), TLS.ca())) {
            assertThatThrownBy(() -> noCertificate.tokens().whoAmI(hodei.v1.WhoAmIRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(io.grpc.StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAUTHENTICATED);
                        assertThat(e.getStatus().getDescription()).contains("client certificate is required");
                    });
        }
        assertThat(client.tokens().whoAmI(hodei.v1.WhoAmIRequest.getDefaultInstance()).getRole())
                .isEqualTo(hodei.v1.Role.ROLE_ADMIN);
        // the process agent below has no certificate: its job still runs
        assertThat(client.awaitEnd(client.submit("true").getId()).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    }

    @Test
    void aProcessAgentVerifiesTheServerAndRunsItsJob() {
        Job done = client.awaitEnd(client.submit(JobSpec.newBuilder().setProvider("process")
                .setShell("echo over tls").build()).getId());

        assertThat(done.getState()).as(done.getFailureReason()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(stdout(done.getId())).isEqualTo("over tls\n");
        assertThat(agentLog(done)).doesNotContain("TLS handshake");
    }

    @Test
    void aPodAgentGetsTheCaFromItsSecretAndRunsItsJob() {
        Job job = client.submit(JobSpec.newBuilder().setProvider("kubernetes").setShell("sleep 1; echo in pod").build());
        await().atMost(Duration.ofSeconds(20)).until(() -> client.get(job.getId()).getState() == JobState.JOB_STATE_RUNNING);
        String secret = "hodei-worker-" + client.get(job.getId()).getWorkerId() + "-otp";
        var data = KubernetesMock.get().client().secrets().inNamespace(KubernetesMock.NAMESPACE).withName(secret).get();
        String ca = data.getStringData() != null && data.getStringData().containsKey("ca.crt") ? data.getStringData().get("ca.crt")
                : new String(Base64.getDecoder().decode(data.getData().get("ca.crt")), StandardCharsets.UTF_8);

        assertThat(ca).isEqualTo(read(TLS.ca()));
        Job done = client.awaitEnd(job.getId());
        assertThat(done.getState()).as(done.getFailureReason()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(stdout(done.getId())).isEqualTo("in pod\n");
    }

    @Test
    void aContainerAgentVerifiesTheServerAndRunsItsJob() {
        Docker.require();
        Job done = client.awaitEnd(client.submit(JobSpec.newBuilder().setProvider("docker")
                .setShell("echo in container").build()).getId());

        assertThat(done.getState()).as(done.getFailureReason()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(stdout(done.getId())).isEqualTo("in container\n");
    }

    @Test
    void aClientThatDoesNotTrustTheServersCaFailsWithACertificateError() {
        // the JDK's default trust store: the server's test CA is not in it
        ManagedChannel untrusting = NettyChannelBuilder.forAddress("127.0.0.1", grpc.port()).useTransportSecurity().build();
        try {
            assertThatThrownBy(() -> hodei.v1.JobServiceGrpc.newBlockingStub(untrusting)
                    .withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
                    .getJob(GetJobRequest.newBuilder().setId(UUID.randomUUID().toString()).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                        assertThat(ExceptionUtils.indexOfType(e, SSLException.class)).as("an SSL cause").isNotNegative();
                    });
        } finally {
            untrusting.shutdownNow();
        }
    }

    @Test
    void anAgentHandedTheWrongCaCannotRegisterAndSaysWhy() throws Exception {
        // Agents read the CA file when they start: for this one job, it holds another CA's certificate.
        Path ca = TLS.ca();
        Path saved = Files.copy(ca, ca.resolveSibling("ca.pem.saved"), StandardCopyOption.REPLACE_EXISTING);
        Job done;
        try {
            Files.copy(TestTls.create().ca(), ca, StandardCopyOption.REPLACE_EXISTING);
            done = client.awaitEnd(client.submit(JobSpec.newBuilder().setProvider("process").setMaxAttempts(1)
                    .setShell("true").build()).getId());
        } finally {
            Files.copy(saved, ca, StandardCopyOption.REPLACE_EXISTING);
        }

        // the server cannot tell why (the handshake fails before the agent says who it is): the agent's log can
        assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
        assertThat(done.getFailureReason()).startsWith("START_TIMEOUT");
    }

    @Test
    void anAgentThatDoesNotTrustTheServerExitsAtOnceNamingTheCaProblem() throws Exception {
        UUID workerId = UUID.randomUUID();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", agentJar()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("HODEI_"));
        pb.environment().put("HODEI_SERVER_ADDRESS", "127.0.0.1:" + grpc.port());
        pb.environment().put("HODEI_WORKER_ID", workerId.toString());
        pb.environment().put("HODEI_OTP_SOURCE", "stdin");
        pb.environment().put("HODEI_SERVER_CA_FILE", TestTls.create().ca().toString());
        Process agent = pb.start();
        try {
            try (var stdin = agent.getOutputStream()) {
                stdin.write("some-token\n".getBytes(StandardCharsets.US_ASCII));
            }
            String out = new String(agent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            await().atMost(Duration.ofSeconds(60)).until(() -> !agent.isAlive());

            assertThat(agent.exitValue()).as(out).isEqualTo(5);
            assertThat(out).contains("TLS handshake with 127.0.0.1:" + grpc.port() + " failed")
                    .contains("HODEI_SERVER_CA_FILE").doesNotContain("some-token");
            assertThat(jdbc.queryForObject("SELECT count(*) FROM auth_events WHERE worker_id = ?", Long.class, workerId))
                    .as("it never reached registration").isZero();
        } finally {
            agent.destroyForcibly();
        }
    }

    private static String agentJar() {
        return Path.of(System.getProperty("hodei.agent.jar", "target/hodei-agent.jar")).toAbsolutePath().toString();
    }

    private String agentLog(Job job) {
        Path log = props.home().resolve("agent-logs").resolve(job.getWorkerId() + ".log");
        return Files.exists(log) ? read(log) : "";
    }

    private String stdout(String jobId) {
        return client.logs(jobId).stream().filter(c -> c.getStream() == hodei.v1.LogStream.LOG_STREAM_STDOUT)
                .map(LogChunk::getData).map(b -> b.toString(StandardCharsets.UTF_8)).collect(Collectors.joining());
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean dockerAnswers() {
        try {
            Docker.run("version");
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }
}
