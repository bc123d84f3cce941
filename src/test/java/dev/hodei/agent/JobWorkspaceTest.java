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
        JobWorkspace workspace = JobWorkspace.create(root, jobId, 1, "", "", JobWorkspace.Since.now());
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
            // no last pid known: every process is looked at, by its start time first
            JobWorkspace.create(root, jobId, 1, "", "", new JobWorkspace.Since(olderStart + 1, -1, System.nanoTime())).close();
            assertThat(older.isAlive()).isTrue();
            JobWorkspace.create(root, jobId, 2, "", "", new JobWorkspace.Since(olderStart, -1, System.nanoTime())).close();
            await().atMost(Duration.ofSeconds(10)).until(() -> !older.isAlive());
        } finally {
            older.destroyForcibly();
        }
    }

    @Test
    void onlyThePidsGivenOutSinceTheJobStartedAreLookedAt(@TempDir Path root) throws Exception {
        String jobId = UUID.randomUUID().toString();
        Process before = sleeper("HODEI_JOB_ID", jobId); // younger than this thread, so its start time alone passes it
        Process marked = null;
        try {
            JobWorkspace.Since since = JobWorkspace.Since.now();
            assertThat(since.lastPid()).as("the kernel's last pid").isGreaterThanOrEqualTo(before.pid());
            marked = sleeper("HODEI_JOB_ID", jobId);
            assertThat(since.newPids()).contains(marked.pid()).doesNotContain(before.pid());
            JobWorkspace.create(root, jobId, 1, "", "", since).close();
            Process job = marked;
            await().atMost(Duration.ofSeconds(10)).until(() -> !job.isAlive());
            assertThat(before.isAlive()).as("a pid given out before the job is not looked at").isTrue();
        } finally {
            before.destroyForcibly();
            if (marked != null) marked.destroyForcibly();
        }
    }

    @Test
    void theAgentsOwnThreadsAreToldApartFromOtherProcesses() throws Exception {
        // an ephemeral agent carries its job's marker: a thread it started during the job is in the
        // window of new pids, and killing that "process" would kill the agent itself
        String[] threads = new java.io.File("/proc/self/task").list();
        assertThat(threads).isNotEmpty();
        for (String tid : threads) assertThat(JobWorkspace.ownThread(tid)).as(tid).isTrue();
        Process other = new ProcessBuilder("sleep", "300").start();
        try {
            assertThat(JobWorkspace.ownThread(Long.toString(other.pid()))).isFalse();
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void everyPidIsLookedAtWhenTheWindowIsUnknownTooWideOrCouldHaveWrapped() {
        long last = JobWorkspace.kernelLastPid();
        long now = System.nanoTime();
        assertThat(new JobWorkspace.Since(0, last, now).newPids()).isNotNull();
        assertThat(new JobWorkspace.Since(0, -1, now).newPids()).as("unknown").isNull();
        assertThat(new JobWorkspace.Since(0, last - 100_000, now).newPids()).as("too many given out since").isNull();
        assertThat(new JobWorkspace.Since(0, last + 1, now).newPids()).as("wrapped around since").isNull();
        assertThat(new JobWorkspace.Since(0, last, now - Duration.ofHours(1).toNanos()).newPids())
                .as("long enough ago to have wrapped around").isNull();
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
