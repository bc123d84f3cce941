package dev.hodei.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import hodei.v1.JobResult;
import hodei.v1.JobSpec;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What an agent's result means, on values alone. */
class ResultOutcomeTest {

    final UUID job = UUID.randomUUID();
    final JobSpec plain = JobSpec.newBuilder().setShell("true").build();
    final JobSpec retriesOn75 = JobSpec.newBuilder().setShell("true").addRetryOnExitCodes(75).build();

    @Test
    void exitCodeZeroSucceeds() {
        ResultOutcome o = ResultOutcome.of(result().setExitCode(0).build(), plain, 1);

        assertThat(o.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(o.reason()).isEqualTo("exit code 0");
        assertThat(o.retry()).isFalse();
        assertThat(o.jobId()).isEqualTo(job);
        assertThat(o.attempt()).isEqualTo(1);
    }

    @Test
    void anyOtherExitCodeFailsAndSaysWhichOrWhichSignal() {
        assertThat(ResultOutcome.of(result().setExitCode(3).build(), plain, 1))
                .extracting(ResultOutcome::state, ResultOutcome::reason).containsExactly(JobState.FAILED, "exit code 3");
        assertThat(ResultOutcome.of(result().setExitCode(137).setSignal(9).build(), plain, 1).reason())
                .isEqualTo("killed by signal 9 (exit code 137)");
    }

    @Test
    void cancelledAndTimedOutWinOverTheExitCode() {
        assertThat(ResultOutcome.of(result().setExitCode(143).setCancelled(true).build(), plain, 1).state())
                .isEqualTo(JobState.CANCELLED);
        ResultOutcome timedOut = ResultOutcome.of(result().setExitCode(143).setTimedOut(true).build(), plain, 1);
        assertThat(timedOut.state()).isEqualTo(JobState.TIMED_OUT);
        assertThat(timedOut.reason()).startsWith(Failure.TIMED_OUT.name());
    }

    @Test
    void theAgentsErrorIsKeptToItsFirstThousandCharacters() {
        String huge = "x".repeat(4 * 1024 * 1024);
        String reason = ResultOutcome.of(result().setExitCode(127).setError(huge).build(), plain, 1).reason();

        assertThat(reason).isEqualTo("could not start the command: " + "x".repeat(ResultOutcome.MAX_ERROR_CHARS) + "…");
        assertThat(ResultOutcome.of(result().setExitCode(127).setError("x".repeat(1000)).build(), plain, 1).reason())
                .as("up to the limit, whole").isEqualTo("could not start the command: " + "x".repeat(1000));
    }

    @Test
    void aCommandThatCouldNotStartFailsWithTheAgentsErrorAndIsNotRetried() {
        ResultOutcome o = ResultOutcome.of(result().setExitCode(75).setError("no such file").build(), retriesOn75, 3);

        assertThat(o.state()).isEqualTo(JobState.FAILED);
        assertThat(o.reason()).isEqualTo("could not start the command: no such file");
        assertThat(o.retry()).isFalse();
    }

    @Test
    void anExitCodeTheJobDeclaredRetryableAsksForAnotherAttemptWhileAttemptsRemain() {
        ResultOutcome o = ResultOutcome.of(result().setExitCode(75).build(), retriesOn75, 3);

        assertThat(o.retry()).isTrue();
        assertThat(o.failure()).isEqualTo(new AttemptFailure(job, 1, "exit code 75"));
        assertThat(ResultOutcome.of(result().setAttempt(3).setExitCode(75).build(), retriesOn75, 3).retry()).isFalse();
        assertThat(ResultOutcome.of(result().setExitCode(3).build(), retriesOn75, 3).retry()).isFalse();
    }

    private JobResult.Builder result() {
        return JobResult.newBuilder().setJobId(job.toString()).setAttempt(1);
    }
}
