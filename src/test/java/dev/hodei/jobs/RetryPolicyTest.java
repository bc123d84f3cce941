package dev.hodei.jobs;

import static dev.hodei.testing.JobRecords.aJob;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hodei.jobs.RetryPolicy.Verdict;
import hodei.v1.JobSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The retry decision and its backoff, on jobs as values: no database, no clock. */
class RetryPolicyTest {

    final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(2), Duration.ofMinutes(1), null);

    @Test
    void aFailedAttemptIsRetriedWhileAttemptsRemainWithAnExponentialBackoff() {
        RetryPolicy.Decision first = policy.decide(aJob().attempt(1, 4).build());
        RetryPolicy.Decision third = policy.decide(aJob().attempt(3, 4).build());

        assertThat(first.verdict()).isEqualTo(Verdict.RETRY);
        assertThat(first.delay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(third.delay()).isEqualTo(Duration.ofSeconds(8));
        assertThat(third.maxAttempts()).isEqualTo(4);
    }

    @Test
    void theLastAttemptFails() {
        assertThat(policy.decide(aJob().attempt(4, 4).build()).verdict()).isEqualTo(Verdict.FAIL);
        assertThat(policy.decide(aJob().attempt(1, 1).build()).verdict()).isEqualTo(Verdict.FAIL);
    }

    @Test
    void aCancelAskedMeanwhileWinsOverARetry() {
        assertThat(policy.decide(aJob().attempt(1, 4).cancelRequested().build()).verdict()).isEqualTo(Verdict.CANCEL);
        assertThat(policy.decide(aJob().attempt(4, 4).cancelRequested().build()).verdict()).isEqualTo(Verdict.CANCEL);
    }

    @Test
    void theJobsOwnBackoffWinsOverTheServers() {
        JobSpec spec = JobSpec.newBuilder().setShell("true").setRetryBackoffMs(100).setRetryBackoffMaxMs(300).build();

        assertThat(policy.decide(aJob().spec(spec).attempt(1, 9).build()).delay()).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.decide(aJob().spec(spec).attempt(2, 9).build()).delay()).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.decide(aJob().spec(spec).attempt(5, 9).build()).delay()).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void theBackoffSaturatesInsteadOfOverflowing() {
        assertThat(RetryPolicy.backoffMs(2000, 60_000, 1)).isEqualTo(2000);
        assertThat(RetryPolicy.backoffMs(2000, 60_000, 3)).isEqualTo(8000);
        assertThat(RetryPolicy.backoffMs(2000, 60_000, 30)).isEqualTo(60_000);
        // the shift of a huge base used to wrap round to a negative delay
        assertThat(Long.MAX_VALUE / 2 << 20).isNegative();
        assertThat(RetryPolicy.backoffMs(Long.MAX_VALUE / 2, Long.MAX_VALUE, 21)).isEqualTo(Long.MAX_VALUE);
        assertThat(RetryPolicy.backoffMs(3_600_000, 3_600_000, Integer.MAX_VALUE)).isEqualTo(3_600_000);
    }
}
