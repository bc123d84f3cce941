package dev.hodei.pools;

import dev.hodei.capacity.Admission;
import dev.hodei.workers.WorkerState;
import dev.hodei.workers.WorkerStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The warm workers no job has taken yet, as admission sees them: each holds its share of its
 * provider's capacity, and the ready ones whose stream this control plane holds are slots a
 * fitting job takes instead of asking for more.
 */
@Component
public class WarmWorkers {

    private final WorkerStore workers;

    public WarmWorkers(WorkerStore workers) {
        this.workers = workers;
    }

    public List<WorkerStore.Untaken> untaken() {
        return workers.untaken();
    }

    /** What the untaken warm workers hold, per provider. */
    public static Map<String, Admission.Use> use(List<WorkerStore.Untaken> warm) {
        Map<String, Admission.Use> use = new HashMap<>();
        for (WorkerStore.Untaken w : warm) {
            use.merge(w.provider(), new Admission.Use(w.cpu(), w.memoryMb(), 1, w.state() == WorkerState.PROVISIONING ? 1 : 0),
                    Admission.Use::plus);
        }
        return use;
    }

    /** What admitted jobs hold, plus each untaken warm worker's share. */
    public static Map<String, Admission.Use> withUntaken(Map<String, Admission.Use> jobs, List<WorkerStore.Untaken> warm) {
        Map<String, Admission.Use> use = new HashMap<>(jobs);
        use(warm).forEach((provider, u) -> use.merge(provider, u, Admission.Use::plus));
        return use;
    }

    /** The untaken warm workers a job could take now: registered, with their stream here. */
    public static List<Admission.WarmSlot> slots(List<WorkerStore.Untaken> warm, Set<UUID> connected) {
        return warm.stream().filter(w -> w.state() == WorkerState.READY && connected.contains(w.id()))
                .map(w -> new Admission.WarmSlot(w.provider(), w.image(), w.cpu(), w.memoryMb(), w.namespace())).toList();
    }
}
