package dev.hodei.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import hodei.v1.ArgvCommand;
import hodei.v1.JobResult;
import hodei.v1.JobSpec;
import hodei.v1.LogChunk;
import hodei.v1.LogStream;
import hodei.v1.RunJob;
import dev.hodei.testing.RunAs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's job runner on real processes, without a server: what it sends, and the result. */
class JobRunTest {

    /** Records what the runner sends. */
    static final class Recorder implements MessageSink {
        final List<List<LogChunk>> sent = new CopyOnWriteArrayList<>();
        final CompletableFuture<JobResult> result = new CompletableFuture<>();

        @Override
        public void logs(String jobId, int attempt, List<LogChunk> chunks) {
            assertThat(result).as("output after the result").isNotDone();
            sent.add(chunks);
        }

        @Override
        public void result(JobResult r) {
            result.complete(r);
        }

        JobResult await() throws Exception {
            return result.get(30, TimeUnit.SECONDS);
        }

        String output(LogStream stream) {
            return chunks().stream().filter(c -> c.getStream() == stream)
                    .map(c -> c.getData().toString(StandardCharsets.UTF_8)).collect(Collectors.joining());
        }

        List<LogChunk> chunks() {
            return sent.stream().flatMap(List::stream).toList();
        }
    }

    static RunJob job(JobSpec spec, long timeoutSeconds) {
        return RunJob.newBuilder().setJobId("job-1").setAttempt(1).setSpec(spec).setRunTimeoutSeconds(timeoutSeconds).build();
    }

    static JobResult run(Recorder r, JobSpec spec, long timeout) throws Exception {
        new JobRun(job(spec, timeout), r).start();
        return r.await();
    }

    @Test
    void reportsTheRealExitCodeAfterAllOutput() throws Exception {
        Recorder r = new Recorder();
        JobResult result = run(r, JobSpec.newBuilder().setShell("echo out; echo err >&2; exit 7").build(), 60);

        assertThat(result.getExitCode()).isEqualTo(7);
        assertThat(result.getSignal()).isZero();
        assertThat(r.output(LogStream.LOG_STREAM_STDOUT)).isEqualTo("out\n");
        assertThat(r.output(LogStream.LOG_STREAM_STDERR)).isEqualTo("err\n");
    }

    @Test
    void aSignalledProcessReportsTheSignal() throws Exception {
        JobResult result = run(new Recorder(), JobSpec.newBuilder().setShell("kill -9 $$").build(), 60);

        assertThat(result.getExitCode()).isEqualTo(137);
        assertThat(result.getSignal()).isEqualTo(9);
    }

    @Test
    void argvIsExecutedWithoutAShell() throws Exception {
        Recorder r = new Recorder();
        run(r, JobSpec.newBuilder().setArgv(ArgvCommand.newBuilder().addArgs("echo").addArgs("$HOME; exit 1")).build(), 60);

        assertThat(r.output(LogStream.LOG_STREAM_STDOUT)).isEqualTo("$HOME; exit 1\n");
    }

    @Test
    void aMissingProgramIsAnErrorNotACrash() throws Exception {
        JobResult result = run(new Recorder(),
                JobSpec.newBuilder().setArgv(ArgvCommand.newBuilder().addArgs("/no/such/program")).build(), 60);

        assertThat(result.getExitCode()).isEqualTo(127);
        assertThat(result.getError()).contains("/no/such/program");
    }

    @Test
    void largeOutputArrivesCompleteInOrderInBoundedBatches() throws Exception {
        Recorder r = new Recorder();
        JobResult result = run(r, JobSpec.newBuilder().setShell("seq 1 200000").build(), 60);

        assertThat(result.getExitCode()).isZero();
        String expected = java.util.stream.IntStream.rangeClosed(1, 200000).mapToObj(Integer::toString)
                .collect(Collectors.joining("\n", "", "\n"));
        assertThat(r.output(LogStream.LOG_STREAM_STDOUT)).isEqualTo(expected);
        assertThat(r.sent).allSatisfy(batch -> assertThat(batch.stream()
                .mapToInt(c -> c.getData().size()).sum()).isLessThanOrEqualTo(JobRun.MAX_BATCH_BYTES));
    }

    @Test
    void theRunDeadlineKillsTheWholeTree() throws Exception {
        Recorder r = new Recorder();
        JobResult result = run(r, JobSpec.newBuilder().setShell("sleep 120 & sleep 120; echo never").build(), 1);

        assertThat(result.getTimedOut()).isTrue();
        assertThat(r.output(LogStream.LOG_STREAM_STDOUT)).isEmpty();
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList()).isEmpty();
    }

    @Test
    void cancelAlsoEndsAProcessThatLeftTheJobsTree() throws Exception {
        String jobId = "job-" + UUID.randomUUID();
        Recorder r = new Recorder();
        // the subshell exits at once: its sleep is re-parented, no descendant of the job's shell
        JobRun run = new JobRun(RunJob.newBuilder().setJobId(jobId).setAttempt(1).setRunTimeoutSeconds(60)
                .setSpec(JobSpec.newBuilder().setShell("(sleep 120 &); sleep 120")).build(), r);
        run.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> marked(jobId).size() == 3); // the shell and both sleeps

        run.cancel();

        assertThat(r.await().getCancelled()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> marked(jobId).isEmpty());
    }

    @Test
    void aJobEndsWithEveryProcessItStartedEvenOneThatLeftItsTree() throws Exception {
        String jobId = "job-" + UUID.randomUUID();
        Recorder r = new Recorder();
        new JobRun(RunJob.newBuilder().setJobId(jobId).setAttempt(1).setRunTimeoutSeconds(60)
                .setSpec(JobSpec.newBuilder().setShell("(sleep 120 &); echo done")).build(), r).start();

        JobResult result = r.await();

        assertThat(result.getExitCode()).isZero();
        assertThat(r.output(LogStream.LOG_STREAM_STDOUT)).isEqualTo("done\n");
        // killed before the result was sent; SIGKILL lands a moment later
        await().atMost(Duration.ofSeconds(5)).until(() -> marked(jobId).isEmpty());
    }

    /** Live processes whose environment holds HODEI_JOB_ID={@code jobId}. */
    private static List<Long> marked(String jobId) {
        byte[] entry = JobWorkspace.marker(jobId).getBytes(StandardCharsets.ISO_8859_1);
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive).filter(p -> {
            try {
                return JobWorkspace.holds(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "environ")), entry);
            } catch (IOException | RuntimeException e) {
                return false; // gone, or not ours to read
            }
        }).map(ProcessHandle::pid).toList();
    }

    @Test
    void cancelBeforeTheProcessStartsIsNotLost() throws Exception {
        Recorder r = new Recorder();
        JobRun run = new JobRun(job(JobSpec.newBuilder().setShell("sleep 120").build(), 60), r);
        run.cancel();
        run.start();

        assertThat(r.await().getCancelled()).isTrue();
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList()).isEmpty();
    }

    @Test
    void envAndWorkingDirectoryApply() throws Exception {
        Recorder r = new Recorder();
        run(r, JobSpec.newBuilder().setShell("echo \"$A-$(pwd)\"").putEnv("A", "x y").setWorkingDir("/tmp").build(), 60);

        assertThat(r.output(LogStream.LOG_STREAM_STDOUT)).isEqualTo("x y-/tmp\n");
    }

    /** What the agent itself has: its token, the server's address, and (process provider) the server's variables. */
    static final Map<String, String> AGENT_ENV = Map.of("PATH", "/usr/bin:/bin", "LANG", "C.UTF-8",
            "HODEI_OTP_TOKEN", "otp-value", "HODEI_SERVER_ADDRESS", "127.0.0.1:1", "HODEI_WORKER_MODE", "ephemeral",
            "HODEI_WORKER_ID", "worker-1", "HODEI_JOB_ID", "job-1", "SERVER_DB_PASSWORD", "server-secret");

    @Test
    void theJobGetsAFreshEnvironmentNotTheAgents(@TempDir Path home) throws Exception {
        Recorder r = new Recorder();
        new JobRun(job(JobSpec.newBuilder().setArgv(ArgvCommand.newBuilder().addArgs("env")).putEnv("A", "1").build(), 60),
                r, new JobLauncher(AGENT_ENV, home)).start();
        assertThat(r.await().getExitCode()).isZero();

        Map<String, String> env = Arrays.stream(r.output(LogStream.LOG_STREAM_STDOUT).split("\n"))
                .map(l -> l.split("=", 2)).collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
        assertThat(env.keySet()).containsExactlyInAnyOrder("PATH", "HOME", "LANG", "TERM", "USER", "PWD", "A",
                "HODEI_WORKER_ID", "HODEI_JOB_ID");
        assertThat(env).containsEntry("HOME", home.toString()).containsEntry("PWD", home.toString())
                .containsEntry("PATH", "/usr/bin:/bin").containsEntry("HODEI_WORKER_ID", "worker-1")
                .containsEntry("USER", System.getProperty("user.name"));
        assertThat(r.output(LogStream.LOG_STREAM_STDOUT)).doesNotContain("otp-value", "server-secret");
    }

    @Test
    void aJobRunAsAnotherUserCannotReadTheAgentsFilesNorItsEnvironment(@TempDir Path dir) throws Exception {
        RunAs.requireRoot();
        Path secret = Files.writeString(dir.resolve("secrets.key"), "server-only");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path home = Files.createDirectory(dir.resolve("workspace"));
        Files.setAttribute(home, "unix:uid", RunAs.UID);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> agentEnv = new java.util.HashMap<>(AGENT_ENV);
        agentEnv.put("HODEI_JOB_USER", RunAs.USER);
        agentEnv.put("HODEI_JOB_GROUP", Integer.toString(RunAs.UID));
        long agentPid = ProcessHandle.current().pid(); // this JVM plays the agent: root, with the token

        Recorder r = new Recorder();
        new JobRun(job(JobSpec.newBuilder().setShell("id -u; echo mine > \"$HOME/f\" && echo wrote; "
                + "cat " + secret + " || echo no-secret; cat /proc/" + agentPid + "/environ || echo no-environ").build(), 60),
                r, new JobLauncher(agentEnv, home)).start();
        assertThat(r.await().getExitCode()).isZero();

        assertThat(r.output(LogStream.LOG_STREAM_STDOUT)).isEqualTo(RunAs.UID + "\nwrote\nno-secret\nno-environ\n");
        assertThat(r.output(LogStream.LOG_STREAM_STDERR)).contains("Permission denied").doesNotContain("server-only");
    }

    @Test
    void theDeadlineStillKillsTheWholeTreeOfAJobRunAsAnotherUser(@TempDir Path home) throws Exception {
        RunAs.requireRoot();
        Map<String, String> agentEnv = new java.util.HashMap<>(AGENT_ENV);
        agentEnv.put("HODEI_JOB_USER", RunAs.USER);
        agentEnv.put("HODEI_JOB_GROUP", Integer.toString(RunAs.UID));
        Recorder r = new Recorder();
        new JobRun(job(JobSpec.newBuilder().setShell("sleep 120 & sleep 120; echo never").build(), 1), r,
                new JobLauncher(agentEnv, home)).start();

        assertThat(r.await().getTimedOut()).isTrue();
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList()).isEmpty();
    }
}
