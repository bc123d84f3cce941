package dev.hodei.providers.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ProcessProviderTest {

    @Test
    void findsAWorkersProcessesByTheirInheritedEnvironment() throws Exception {
        UUID worker = UUID.randomUUID();
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", "sleep 60; :");
        pb.environment().put("HODEI_WORKER_ID", worker.toString());
        Process mine = pb.start();
        ProcessBuilder other = new ProcessBuilder("/bin/sh", "-c", "sleep 60; :");
        other.environment().put("HODEI_WORKER_ID", worker + "0");
        Process notMine = other.start();
        try {
            assertThat(ProcessProvider.processesOfWorker(worker)).extracting(ProcessHandle::pid)
                    .contains(mine.pid())
                    .doesNotContain(notMine.pid(), ProcessHandle.current().pid());
        } finally {
            for (Process p : new Process[] {mine, notMine}) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    @Test
    void beyondLoopbackTheProviderIsOfferedOnlyWhenEnabledExplicitly() {
        assertThat(ProcessProvider.withheld(null, false)).isEmpty();
        assertThat(ProcessProvider.withheld(null, true)).get().asString()
                .contains("beyond loopback", "hodei.providers.process.enabled=true");
        assertThat(ProcessProvider.withheld(true, true)).isEmpty();
        assertThat(ProcessProvider.withheld(false, false)).isEqualTo(Optional.of("hodei.providers.process.enabled is false"));
    }
}
