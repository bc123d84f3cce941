package dev.hodei.testing;

import static dev.hodei.testing.JobAssert.assertThatJob;
import static hodei.v1.JobState.JOB_STATE_FAILED;
import static hodei.v1.JobState.JOB_STATE_SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hodei.v1.Job;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The test vocabulary itself: each assertion fails when it should, saying what the job did. */
class JobAssertTest {

    final Job failed = Job.newBuilder().setId("j1").setState(JOB_STATE_FAILED).setAttempt(2).setExitCode(3)
            .setFailureReason("exit code 3").setProvider("process").build();

    @Test
    void passesOnWhatTheJobDid() {
        assertThatJob(failed).hasState(JOB_STATE_FAILED).hasExitCode(3).hasAttempt(2).failedBecause("exit code 3")
                .failedWith("exit code").ranOn("process");
    }

    @Test
    void aWrongStateIsReportedWithTheFailureReason() {
        assertThatThrownBy(() -> assertThatJob(failed).hasState(JOB_STATE_SUCCEEDED)).isInstanceOf(AssertionError.class)
                .hasMessage("expected job j1 to be JOB_STATE_SUCCEEDED but it is JOB_STATE_FAILED (attempt 2, exit code 3,"
                        + " failure reason 'exit code 3')");
    }

    @Test
    void eachOtherAssertionFailsOnAMismatch() {
        assertThatThrownBy(() -> assertThatJob(failed).hasExitCode(0)).hasMessageContaining("exit code 0 but it has 3");
        assertThatThrownBy(() -> assertThatJob(Job.newBuilder().setId("j2").build()).hasExitCode(0))
                .hasMessageContaining("has none");
        assertThatThrownBy(() -> assertThatJob(failed).hasAttempt(1)).hasMessageContaining("attempt 1 but it is on 2");
        assertThatThrownBy(() -> assertThatJob(failed).failedBecause("exit code")).hasMessageContaining("'exit code 3'");
        assertThatThrownBy(() -> assertThatJob(failed).failedWith("TIMED_OUT")).hasMessageContaining("with TIMED_OUT");
        assertThatThrownBy(() -> assertThatJob(failed).ranOn("docker")).hasMessageContaining("ran on process");
        assertThatThrownBy(() -> assertThatJob(null).hasState(JOB_STATE_FAILED)).isInstanceOf(AssertionError.class);
    }

    @Test
    void jobSpecsBuildTheSpecTheyName() {
        var spec = JobSpecs.shell("exit 75").retryingOn(75, 76).attempts(3).backoff(Duration.ofMillis(50))
                .runTimeout(Duration.ofSeconds(2)).queueTimeout(Duration.ofMinutes(1)).label("team", "a").env("K", "v")
                .workingDir("/tmp").named("n").on("process").build();
        assertThat(spec.getShell()).isEqualTo("exit 75");
        assertThat(spec.getRetryOnExitCodesList()).containsExactly(75, 76);
        assertThat(spec.getMaxAttempts()).isEqualTo(3);
        assertThat(spec.getRetryBackoffMs()).isEqualTo(50);
        assertThat(spec.getRunTimeoutSeconds()).isEqualTo(2);
        assertThat(spec.getQueueTimeoutSeconds()).isEqualTo(60);
        assertThat(spec.getLabelsMap()).containsExactly(java.util.Map.entry("team", "a"));
        assertThat(spec.getEnvMap()).containsExactly(java.util.Map.entry("K", "v"));
        assertThat(spec.getWorkingDir()).isEqualTo("/tmp");
        assertThat(spec.getName()).isEqualTo("n");
        assertThat(spec.getProvider()).isEqualTo("process");
        assertThat(JobSpecs.argv("printf", "%s", "a b").build().getArgv().getArgsList()).containsExactly("printf", "%s", "a b");
    }
}
