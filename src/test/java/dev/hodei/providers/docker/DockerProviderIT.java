package dev.hodei.providers.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hodei.server.ControlPlaneIdentity;
import dev.hodei.testing.ControlPlaneIT;
import dev.hodei.testing.Docker;
import dev.hodei.testing.Rows;
import dev.hodei.testing.TokenScan;
import dev.hodei.workers.WorkerStore;
import hodei.v1.Job;
import hodei.v1.JobSpec;
import hodei.v1.JobState;
import hodei.v1.LogChunk;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The Docker provider on the real engine: containers made per job, found by ID, destroyed at once. */
class DockerProviderIT extends ControlPlaneIT {

    @Autowired WorkerStore workers;

    @LocalServerPort int httpPort;

    @BeforeEach
    void requireDocker() {
        Docker.require();
    }

    @AfterAll
    static void noContainerLeft(@Autowired ControlPlaneIdentity identity) {
        List<String> left = new ArrayList<>();
        try {
            await("no hodei.managed container left").atMost(Duration.ofSeconds(10)).until(() -> {
                left.clear();
                left.addAll(Docker.managedContainers(identity.instanceId()));
                return left.isEmpty();
            });
        } finally {
            Docker.removeAll(Docker.managedContainers(identity.instanceId()));
        }
    }

    @Test
    void sixJobsAtOnceReachTheirRightFinalStateAndNoContainerRemains() {
        Map<String, String> shells = new LinkedHashMap<>();
        shells.put("hello", "echo hello from a container");
        shells.put("data", "seq 1 10000 | awk '{s+=$1} END {printf \"%d\\n\", s}'");
        shells.put("cpu", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; echo $i");
        shells.put("fails", "echo failing >&2; exit 3");
        shells.put("stderr", "echo to-stderr >&2");
        shells.put("env", "echo \"$COLOR\"");
        Map<String, String> ids = new LinkedHashMap<>();
        shells.forEach((name, shell) -> ids.put(name, client.submit(JobSpec.newBuilder().setShell(shell)
                .setProvider("docker").putEnv("COLOR", "blue").setCpu(0.5).setMemoryMb(256).build()).getId()));

        Map<String, Job> done = new LinkedHashMap<>();
        ids.forEach((name, id) -> done.put(name, client.awaitEnd(id)));

        assertThat(done.get("hello").getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(stdout(ids.get("hello"))).isEqualTo("hello from a container\n");
        assertThat(stdout(ids.get("data"))).isEqualTo("50005000\n");
        assertThat(stdout(ids.get("cpu"))).isEqualTo("300000\n");
        assertThat(done.get("fails").getState()).isEqualTo(JobState.JOB_STATE_FAILED);
        assertThat(done.get("fails").getExitCode()).isEqualTo(3);
        assertThat(done.get("stderr").getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(stdout(ids.get("env"))).isEqualTo("blue\n");
        assertThat(done.values()).allSatisfy(j -> assertThat(j.getProvider()).isEqualTo("docker"));

        await("every container removed").atMost(Duration.ofSeconds(10)).until(
                () -> Docker.managedContainers(identity.instanceId()).isEmpty());
        List<UUID> jobs = ids.values().stream().map(UUID::fromString).toList();
        // each row is written once Docker has removed the container, a moment after it is gone
        await("every destruction recorded").atMost(Duration.ofSeconds(10)).until(
                () -> jobs.stream().allMatch(id -> workers.liveWorkerOf(id).isEmpty()));
        assertThat(rows.destroyReasonsOfJobs(jobs)).hasSize(6).containsOnly("immediate");
    }

    @Test
    void aWorkerContainerRunsAsNonRootWithoutCapabilitiesAndWithLimits() {
        Job ran = client.awaitEnd(client.submit(JobSpec.newBuilder().setProvider("docker")
                .setShell("id -u; echo ok > \"$HOME/f\" && cat \"$HOME/f\"").build()).getId());
        assertThat(ran.getState()).as(ran.getFailureReason()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(stdout(ran.getId())).isEqualTo("65534\nok\n");

        Job job = client.submit(JobSpec.newBuilder().setProvider("docker").setShell("sleep 60").build());
        try {
            await("job running").atMost(Duration.ofSeconds(30)).until(
                    () -> client.get(job.getId()).getState() == JobState.JOB_STATE_RUNNING);
            String container = workers.find(UUID.fromString(client.get(job.getId()).getWorkerId())).orElseThrow()
                    .resourceId();
            String inspected = Docker.run("inspect", "--format", "{{json .HostConfig.CapDrop}}|{{json .HostConfig.SecurityOpt}}"
                    + "|{{.HostConfig.PidsLimit}}|{{.HostConfig.Memory}}|{{.Config.User}}", container);
            assertThat(inspected).isEqualTo("[\"ALL\"]|[\"no-new-privileges\"]|1024|" + 2048L * 1024 * 1024 + "|65534:65534");
        } finally {
            client.jobs().cancelJob(hodei.v1.CancelJobRequest.newBuilder().setId(job.getId()).setReason("test").build());
        }
        assertThat(client.awaitEnd(job.getId()).getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
    }

    @Test
    void theContainerOnTheTokenRowIsTheContainerTheJobRanIn() {
        Job job = client.submit(JobSpec.newBuilder().setProvider("docker")
                .setShell("grep -o 'containers/[0-9a-f]\\{64\\}' /proc/self/mountinfo | head -1").build());
        String ranIn = stdout(job.getId()).strip().substring("containers/".length());
        Job done = client.get(job.getId());

        String tokenRid = rows.tokenOfJob(UUID.fromString(job.getId())).resourceId();
        String workerRid = workers.find(UUID.fromString(done.getWorkerId())).orElseThrow().resourceId();
        assertThat(tokenRid).hasSize(64).isEqualTo(ranIn).isEqualTo(workerRid);
    }

    @Test
    void theTokenIsNeitherInDockerInspectNorLeftInTheContainer() {
        Job job = client.submit(JobSpec.newBuilder().setProvider("docker")
                .setShell("sleep 2; test ! -e /run/hodei/otp && echo token file gone").build());
        await("job running").atMost(Duration.ofSeconds(30)).until(
                () -> client.get(job.getId()).getState() == JobState.JOB_STATE_RUNNING);
        UUID workerId = UUID.fromString(client.get(job.getId()).getWorkerId());
        String containerId = workers.find(workerId).orElseThrow().resourceId();
        Set<String> hashes = rows.tokensOfWorker(workerId).stream().map(Rows.BootstrapToken::hash).collect(Collectors.toSet());

        String inspect = Docker.run("inspect", containerId);
        assertThat(inspect).contains("HODEI_OTP_FILE=/run/hodei/otp").doesNotContain("HODEI_OTP_TOKEN");
        assertThat(TokenScan.containsTokenOf(inspect, hashes)).as("token in docker inspect").isFalse();
        assertThat(stdout(job.getId())).as("the agent deleted the token file before the job ran")
                .isEqualTo("token file gone\n");
        assertThat(client.get(job.getId()).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    }

    @Test
    void anUnreachableDaemonFailsProvisioningWithAClearReasonAndLeavesNothing() {
        Job done = client.awaitEnd(client.submit(JobSpec.newBuilder().setShell("true")
                .setProvider("docker-unreachable").setMaxAttempts(1).build()).getId());

        assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
        assertThat(done.getFailureReason())
                .startsWith("PROVISIONING_FAILED: Docker daemon unreachable at unix:///tmp/hodei-no-such-docker.sock");
        assertThat(workers.liveWorkerOf(UUID.fromString(done.getId()))).isEmpty();
    }

    @Test
    void anImageThatIsNotThereFailsWithThatReason() {
        Job done = client.awaitEnd(client.submit(JobSpec.newBuilder().setShell("true").setProvider("docker")
                .setImage("hodei-no-such-image:1").setMaxAttempts(1).build()).getId());

        assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
        assertThat(done.getFailureReason()).contains("image 'hodei-no-such-image:1' is not on the Docker host");
    }

    @Test
    void anOrphanContainerIsRemovedByTheGc() {
        // created and started in one call: the GC (every second here) may remove it in between otherwise
        String orphan = Docker.run("run", "-d", "--network", "host", "--label", "hodei.managed=true",
                "--label", "hodei.instance=" + identity.instanceId(), "--label", "hodei.worker-id=" + UUID.randomUUID(),
                "--entrypoint", "sleep", Docker.AGENT_IMAGE, "600");

        await("orphan container removed").atMost(Duration.ofSeconds(15)).until(
                () -> !Docker.managedContainers(identity.instanceId()).contains(orphan));
    }

    @Test
    void destructionMetricsArePublished() throws Exception {
        client.awaitEnd(client.submit(JobSpec.newBuilder().setShell("true").setProvider("docker").build()).getId());
        await("destroy counted").atMost(Duration.ofSeconds(10)).until(
                () -> metric(scrape(), "hodei_workers_destroyed_immediate_total", "docker") >= 1);

        String metrics = scrape();
        assertThat(metric(metrics, "hodei_worker_destruction_latency_seconds_count", "docker")).isGreaterThanOrEqualTo(1);
        assertThat(metric(metrics, "hodei_worker_provisioning_seconds_count", "docker")).isGreaterThanOrEqualTo(1);
        double latencySum = metric(metrics, "hodei_worker_destruction_latency_seconds_sum", "docker");
        assertThat(latencySum).isPositive();
    }

    private String stdout(String jobId) {
        return client.logs(jobId).stream().filter(c -> c.getStream() == hodei.v1.LogStream.LOG_STREAM_STDOUT)
                .map(LogChunk::getData).map(b -> b.toString(StandardCharsets.UTF_8)).collect(Collectors.joining());
    }

    private String scrape() {
        try {
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + httpPort + "/actuator/prometheus"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("admin:test-secret".getBytes(StandardCharsets.UTF_8)))
                    .build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return body;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The value of a metric line with provider="…", or -1. */
    private static double metric(String text, String name, String provider) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*provider=\"" + provider + "\"[^}]*} (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
