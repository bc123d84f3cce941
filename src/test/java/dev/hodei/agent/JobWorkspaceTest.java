package dev.hodei.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pooled agent's per-job workspace: what closing it ends and removes, on real processes. */
class JobWorkspaceTest {

    @Test
    void closingEndsTheJobsDetachedProcessesAndRemovesTheFolder(@TempDir Path root) throws Exception {
        String jobId = UUID.randomUUID().toString();
        JobWorkspace workspace = JobWorkspace.create(root, jobId, 1, "", "");
        Files.writeString(workspace.dir().resolve("left"), "x");
        Process marked = sleeper("HODEI_JOB_ID", jobId);
        Process unmarked = sleeper("HODEI_JOB_ID", jobId + "-other"); // another job's: the whole variable must match
        try {
            workspace.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> !marked.isAlive());
            assertThat(unmarked.isAlive()).isTrue();
            assertThat(workspace.dir()).doesNotExist();
        } finally {
            marked.destroyForcibly();
            unmarked.destroyForcibly();
        }
    }

    @Test
    void aProcessOlderThanTheJobIsPassedOverWithoutReadingItsEnvironment(@TempDir Path root) throws Exception {
        String jobId = UUID.randomUUID().toString();
        Process older = sleeper("HODEI_JOB_ID", jobId);
        try {
            long olderStart = JobWorkspace.startTicks(Path.of("/proc", Long.toString(older.pid()), "stat"));
            assertThat(olderStart).isPositive();
            JobWorkspace.create(root, jobId, 1, "", "", olderStart + 1).close();
            assertThat(older.isAlive()).isTrue();
            JobWorkspace.create(root, jobId, 2, "", "", olderStart).close();
            await().atMost(Duration.ofSeconds(10)).until(() -> !older.isAlive());
        } finally {
            older.destroyForcibly();
        }
    }

    @Test
    void statFieldsAreCountedFromTheEndOfTheCommandNameWhateverItHolds() {
        String stat = "4242 (a) b (c) S 1 4242 4242 0 -1 4194560 90 0 0 0 0 0 0 0 20 0 1 0 987654 2453504 200 18446744073709551615";
        assertThat(JobWorkspace.startTicks(stat.getBytes(StandardCharsets.US_ASCII))).isEqualTo(987654);
        assertThat(JobWorkspace.statField(stat.getBytes(StandardCharsets.US_ASCII), 9)).as("flags").isEqualTo(4194560);
        assertThat((char) JobWorkspace.statState(stat.getBytes(StandardCharsets.US_ASCII))).isEqualTo('S');
        assertThat(JobWorkspace.statState("no name here".getBytes(StandardCharsets.US_ASCII))).isZero();
        assertThat(JobWorkspace.startTicks("no name here".getBytes(StandardCharsets.US_ASCII))).isEqualTo(-1);
    }

    @Test
    void aVariableMatchesOnlyWhole() {
        byte[] entry = "HODEI_JOB_ID=ab".getBytes(StandardCharsets.US_ASCII);
        assertThat(JobWorkspace.holds(environ("HODEI_JOB_ID=ab"), entry)).as("first variable").isTrue();
        assertThat(JobWorkspace.holds(environ("PATH=/bin", "HODEI_JOB_ID=ab", "X=1"), entry)).isTrue();
        assertThat(JobWorkspace.holds(environ("HODEI_JOB_ID=abc"), entry)).isFalse();
        assertThat(JobWorkspace.holds(environ("XHODEI_JOB_ID=ab"), entry)).isFalse();
        assertThat(JobWorkspace.holds(new byte[0], entry)).isFalse();
    }

    private static byte[] environ(String... variables) {
        return (String.join("\0", variables) + "\0").getBytes(StandardCharsets.US_ASCII);
    }

    /** A detached sleep (its own session, like a daemon the job left) with one marker variable. */
    private static Process sleeper(String name, String value) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("setsid", "sleep", "300");
        pb.environment().put(name, value);
        return pb.start();
    }
}
