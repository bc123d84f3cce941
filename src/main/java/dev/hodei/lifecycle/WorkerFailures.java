package dev.hodei.lifecycle;

import dev.hodei.jobs.AttemptFailure;
import dev.hodei.workers.WorkerRecord;
import dev.hodei.workers.WorkerState;
import dev.hodei.workers.WorkerStore;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** A worker failed: which attempt of which job that fails, for route {@code retry-or-fail}. */
@Component
public class WorkerFailures {

    private final WorkerStore workers;

    public WorkerFailures(WorkerStore workers) {
        this.workers = workers;
    }

    /** The worker's attempt, failed with {@code failure}; null when there is no failure or no job. */
    public AttemptFailure attemptOf(UUID workerId, String failure) {
        if (failure == null || failure.isEmpty()) return null;
        WorkerRecord worker = workers.find(workerId).orElse(null);
        if (worker == null || worker.jobId() == null || worker.jobAttempt() == null) return null;
        return new AttemptFailure(worker.jobId(), worker.jobAttempt(), failure);
    }

    /** Route {@code worker-start-failed}: a worker still starting ends; false if it already moved on. */
    public boolean terminateIfStarting(UUID workerId, String failure) {
        return workers.find(workerId).filter(w -> w.state() == WorkerState.PROVISIONING && w.destroyedAt() == null)
                .map(w -> workers.markTerminated(workerId, failure)).orElse(false);
    }
}
