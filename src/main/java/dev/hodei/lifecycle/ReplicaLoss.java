package dev.hodei.lifecycle;

import dev.hodei.cluster.Replicas;
import dev.hodei.jobs.JobTransitions;
import dev.hodei.workers.WorkerStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Route {@code replica-heartbeat}: a replica stopped heartbeating. Its agents are alive and
 * reconnecting to the others, so its workers are not lost yet: their heartbeat clock starts again
 * and {@code hodei.workers.lost-after} counts from now. Those that do not come back are reaped as
 * any silent worker, by whichever replica leads the GC. The jobs it claimed but never handed to
 * a provider go back to PENDING, their attempt not counted.
 */
@Component
public class ReplicaLoss {

    private static final Logger log = LoggerFactory.getLogger(ReplicaLoss.class);

    private final WorkerStore workers;
    private final JobTransitions transitions;

    public ReplicaLoss(WorkerStore workers, JobTransitions transitions) {
        this.workers = workers;
        this.transitions = transitions;
    }

    /** Route {@code replica-heartbeat}: claims a cleanly stopped replica took but did not provision are pending again. */
    public void releaseClaimsOfStopped() {
        int released = transitions.releaseClaimsOfStoppedReplicas().size();
        if (released > 0) log.info("{} job(s) claimed by a replica that stopped meanwhile are pending again", released);
    }

    public void handOver(Replicas.Replica dead) {
        int n = workers.graceAfterReplicaLoss(dead.id());
        int released = transitions.releaseClaimsOf(dead.id(), dead.name()).size();
        log.warn("Replica {} ({}) stopped heartbeating at {}; {} of its worker(s) may reconnect to another replica, "
                + "{} job(s) it had claimed are pending again", dead.name(), dead.grpcAddress(), dead.heartbeatAt(), n,
                released);
    }
}
