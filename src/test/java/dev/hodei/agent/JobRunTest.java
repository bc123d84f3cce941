package dev.hodei.agent;

import static org.assertj.core.api.Assertions.assertThat;

import hodei.v1.ArgvCommand;
import hodei.v1.JobResult;
import hodei.v1.JobSpec;
import hodei.v1.LogChunk;
import hodei.v1.LogStream;
import hodei.v1.RunJob;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

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
}
