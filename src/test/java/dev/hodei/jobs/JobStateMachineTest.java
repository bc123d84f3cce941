package dev.hodei.jobs;

import static dev.hodei.jobs.JobState.ASSIGNED;
import static dev.hodei.jobs.JobState.CANCELLED;
import static dev.hodei.jobs.JobState.FAILED;
import static dev.hodei.jobs.JobState.PENDING;
import static dev.hodei.jobs.JobState.PROVISIONING;
import static dev.hodei.jobs.JobState.RUNNING;
import static dev.hodei.jobs.JobState.SUCCEEDED;
import static dev.hodei.jobs.JobState.TIMED_OUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The job's transition table, edge by edge: what is listed here is exactly what may happen. */
class JobStateMachineTest {

    @Test
    void aPendingJobIsClaimedCancelledOrExpires() {
        assertThat(JobStateMachine.next(PENDING)).containsExactlyInAnyOrder(ASSIGNED, CANCELLED, FAILED);
    }

    @Test
    void aClaimedJobGetsAWorkerOrGoesBackOrEnds() {
        assertThat(JobStateMachine.next(ASSIGNED)).containsExactlyInAnyOrder(PROVISIONING, PENDING, FAILED, CANCELLED);
    }

    @Test
    void aProvisioningJobRunsOrGoesBackOrEnds() {
        assertThat(JobStateMachine.next(PROVISIONING)).containsExactlyInAnyOrder(RUNNING, PENDING, FAILED, CANCELLED);
    }

    @Test
    void aRunningJobEndsAsItsResultSaysOrIsRetried() {
        assertThat(JobStateMachine.next(RUNNING))
                .containsExactlyInAnyOrder(SUCCEEDED, FAILED, CANCELLED, TIMED_OUT, PENDING);
    }

    @Test
    void finalStatesAreFinal() {
        for (JobState s : JobState.TERMINAL) assertThat(JobStateMachine.next(s)).as(s.name()).isEmpty();
    }

    @Test
    void noJobSkipsTheQueueOrRunsWithoutAWorker() {
        assertThat(JobStateMachine.allows(PENDING, RUNNING)).isFalse();
        assertThat(JobStateMachine.allows(PENDING, PROVISIONING)).isFalse();
        assertThat(JobStateMachine.allows(ASSIGNED, RUNNING)).isFalse();
        assertThat(JobStateMachine.allows(PENDING, SUCCEEDED)).isFalse();
        for (JobState s : JobState.values()) assertThat(JobStateMachine.allows(s, s)).as(s.name()).isFalse();
    }

    @Test
    void everyNonFinalStateCanStillBeCancelledOrFail() {
        for (JobState s : EnumSet.complementOf(EnumSet.copyOf(JobState.TERMINAL))) {
            assertThat(JobStateMachine.next(s)).as(s.name()).contains(CANCELLED, FAILED);
        }
    }

    @Test
    void anEdgeTheTableDoesNotHaveIsRefusedByName() {
        assertThatThrownBy(() -> JobStateMachine.check(Set.of(SUCCEEDED), PENDING))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a job cannot move from SUCCEEDED to PENDING");
    }

    @Test
    void theIntentsOfJobTransitionsAreAllLegal() {
        // its edges are checked when the class loads: loading it is the test
        assertThat(new JobTransitions(null, null, null)).isNotNull();
    }
}
