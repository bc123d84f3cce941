package dev.hodei.testing;

import static org.awaitility.Awaitility.await;

import java.util.Arrays;
import java.util.List;

/** Finds and ends agent processes of one control plane, so no test leaves one behind. */
public final class Agents {

    private Agents() {}

    public static List<ProcessHandle> of(String instanceId) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(Arrays::asList)
                        .map(a -> a.contains("-Dhodei.instance=" + instanceId)).orElse(false))
                .toList();
    }

    public static List<ProcessHandle> ofWorker(String workerId) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(Arrays::asList)
                        .map(a -> a.contains("-Dhodei.worker-id=" + workerId)).orElse(false))
                .toList();
    }

    /**
     * Fails if agents of this control plane outlive their jobs' destruction for more than a few
     * seconds; kills them either way, so a failing test still leaves the machine clean.
     */
    public static void assertNoneLeft(String instanceId) {
        try {
            await("every agent destroyed").atMost(java.time.Duration.ofSeconds(10)).until(() -> of(instanceId).isEmpty());
        } finally {
            killAll(instanceId);
        }
    }

    /** Kills whatever is left; returns how many there were. */
    public static int killAll(String instanceId) {
        List<ProcessHandle> left = of(instanceId);
        left.forEach(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
        return left.size();
    }
}
