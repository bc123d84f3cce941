package dev.hodei.workers;

import static dev.hodei.workers.WorkerState.BUSY;
import static dev.hodei.workers.WorkerState.PROVISIONING;
import static dev.hodei.workers.WorkerState.READY;
import static dev.hodei.workers.WorkerState.TERMINATED;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** An ephemeral worker's transition table: one job, one way through, never back. */
class WorkerStateMachineTest {

    @Test
    void aWorkerRegistersTakesItsJobAndEnds() {
        assertThat(WorkerStateMachine.INITIAL).isEqualTo(PROVISIONING);
        assertThat(WorkerStateMachine.into(READY)).containsExactlyInAnyOrder(PROVISIONING, BUSY);
        assertThat(WorkerStateMachine.into(BUSY)).containsExactly(READY);
        assertThat(WorkerStateMachine.into(TERMINATED)).containsExactlyInAnyOrder(PROVISIONING, READY, BUSY);
    }

    @Test
    void anEndedWorkerNeverComesBackAndOnlyARunningOneReturnsToReady() {
        assertThat(WorkerStateMachine.into(PROVISIONING)).isEmpty();
        for (WorkerState s : WorkerState.values()) assertThat(WorkerStateMachine.allows(TERMINATED, s)).isFalse();
        // a reusable pool's worker, after its job (WorkerStore.release guards that it is one)
        assertThat(WorkerStateMachine.allows(BUSY, READY)).isTrue();
        assertThat(WorkerStateMachine.allows(PROVISIONING, BUSY)).isFalse();
    }
}
