package dev.hodei.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hodei.testing.ControlPlaneIT;
import dev.hodei.testing.RawAgent;
import dev.hodei.testing.Rows;
import dev.hodei.testing.TokenScan;
import hodei.v1.Job;
import hodei.v1.JobState;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** One-time tokens: a replayed, expired or misdirected OTP is refused and the job is unaffected; an agent's is never in its environment. */
class JitRegistrationIT extends ControlPlaneIT {

    @Autowired BootstrapTokens tokens;
    @Autowired WorkerStore workers;

    @Test
    void aReplayedOtpIsRefusedAndTheJobIsUnaffected() {
        Job job = client.submit("sleep 2; echo done");
        await("job running").atMost(Duration.ofSeconds(20)).until(
                () -> client.get(job.getId()).getState() == JobState.JOB_STATE_RUNNING);
        UUID workerId = UUID.fromString(client.get(job.getId()).getWorkerId());
        // The agent's own token is nowhere to be read any more (see below); a second one for the same worker
        // is spent by its first use (refused: the worker already has its agent), and then replayed.
        String otp = tokens.issue(workerId, UUID.fromString(job.getId()));
        assertThat(register(workerId, otp)).isEqualTo(Status.Code.UNAUTHENTICATED);

        assertThat(register(workerId, otp)).isEqualTo(Status.Code.UNAUTHENTICATED);
        Job done = client.awaitEnd(job.getId());

        assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(done.getAttempt()).isEqualTo(1);
        assertThat(rows.latestAuthEventOf(workerId)).isEqualTo("otp: token already used (replay)");
    }

    @Test
    void theAgentsTokenIsNotInItsEnvironmentNorOnItsCommandLine() throws Exception {
        Job job = client.submit("sleep 2; echo done");
        await("job running").atMost(Duration.ofSeconds(20)).until(
                () -> client.get(job.getId()).getState() == JobState.JOB_STATE_RUNNING);
        UUID workerId = UUID.fromString(client.get(job.getId()).getWorkerId());
        String pid = workers.find(workerId).orElseThrow().resourceId();
        Set<String> hashes = rows.tokensOfWorker(workerId).stream().map(Rows.BootstrapToken::hash).collect(Collectors.toSet());
        assertThat(hashes).isNotEmpty();

        // what any process of the same user can read, while the agent runs
        String environ = Files.readString(Path.of("/proc", pid, "environ"), StandardCharsets.ISO_8859_1);
        String cmdline = Files.readString(Path.of("/proc", pid, "cmdline"), StandardCharsets.ISO_8859_1);
        assertThat(environ).contains("HODEI_WORKER_ID=" + workerId).contains("HODEI_OTP_SOURCE=stdin")
                .doesNotContain("HODEI_OTP_TOKEN");
        assertThat(TokenScan.containsTokenOf(environ + "\0" + cmdline, hashes)).as("token in /proc").isFalse();
        assertThat(client.awaitEnd(job.getId()).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    }

    @Test
    void anExpiredOrMisdirectedOtpIsRefused() {
        Job job = client.awaitEnd(client.submit("true").getId());
        UUID workerId = UUID.fromString(job.getWorkerId());
        UUID jobId = UUID.fromString(job.getId());

        String expired = tokens.issue(workerId, jobId);
        rows.expireToken(BootstrapTokens.hash(expired));
        String forAnother = tokens.issue(workerId, jobId);

        assertThat(register(workerId, expired)).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(register(UUID.randomUUID(), forAnother)).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(register(workerId, "not-a-token")).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(rows.latestAuthEvents(3))
                .containsExactly("otp: unknown token", "otp: token issued for another worker", "otp: token expired");
        assertThat(client.get(job.getId()).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    }

    @Test
    void tokensAreStoredOnlyAsHashes() {
        Job job = client.awaitEnd(client.submit("true").getId());
        String hash = rows.tokenOfJob(UUID.fromString(job.getId())).hash();
        assertThat(hash).matches("[0-9a-f]{64}");
    }

    private Status.Code register(UUID workerId, String otp) {
        return RawAgent.register(client.channel(), workerId, otp);
    }
}
