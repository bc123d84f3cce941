package dev.hodei.workers;

import static dev.hodei.workers.WorkerState.BUSY;
import static dev.hodei.workers.WorkerState.PROVISIONING;
import static dev.hodei.workers.WorkerState.READY;
import static dev.hodei.workers.WorkerState.TERMINATED;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The legal edges of a worker's life: made for one job or for a pool (PROVISIONING), its agent
 * registered (READY), running a job (BUSY), taking no more work (TERMINATED). Only a reusable
 * pool's worker goes from BUSY back to READY, after its job, for the next one. Any live state
 * may end; destroying the resource is recorded beside the state ({@code destroyed_at}), after
 * TERMINATED. {@link WorkerStore}'s state changes are checked against this table.
 */
public final class WorkerStateMachine {

    private static final Map<WorkerState, Set<WorkerState>> NEXT = new EnumMap<>(WorkerState.class);

    static {
        NEXT.put(PROVISIONING, EnumSet.of(READY, TERMINATED));
        NEXT.put(READY, EnumSet.of(BUSY, TERMINATED));
        NEXT.put(BUSY, EnumSet.of(READY, TERMINATED)); // READY again: a reusable worker back in its pool
        NEXT.put(TERMINATED, EnumSet.noneOf(WorkerState.class));
    }

    private WorkerStateMachine() {}

    public static final WorkerState INITIAL = PROVISIONING;

    public static boolean allows(WorkerState from, WorkerState to) {
        return NEXT.get(from).contains(to);
    }

    /** The states that may move to {@code to}. */
    public static Set<WorkerState> into(WorkerState to) {
        Set<WorkerState> from = EnumSet.noneOf(WorkerState.class);
        NEXT.forEach((f, next) -> {
            if (next.contains(to)) from.add(f);
        });
        return from;
    }
}
