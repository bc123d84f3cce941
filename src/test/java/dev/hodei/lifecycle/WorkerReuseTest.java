package dev.hodei.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import hodei.v1.JobResult;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WorkerReuseTest {

    @Test
    void anIntegratorsProviderPolicyTurnsHandOversOff() {
        // nothing but the policy given: a hand-over attempted would reach the missing job store
        WorkerReuse reuse = new WorkerReuse(null, null, null, Clock.systemUTC(), null, null, null,
                "direct:gpu-provider-policy");

        assertThat(reuse.handOver(UUID.randomUUID(), JobResult.newBuilder().setJobId(UUID.randomUUID().toString())
                .setAttempt(1).build(), true)).isNull();
    }
}
