package dev.hodei.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hodei.server.HodeiProperties;
import dev.hodei.testing.CliProcess;
import dev.hodei.testing.ControlPlaneIT;
import hodei.v1.Job;
import hodei.v1.JobSpec;
import hodei.v1.JobState;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** `hodei run --progress`: what the job waits for, on stderr, until it runs; the output stays clean on stdout. */
class RunProgressIT extends ControlPlaneIT {

    @Autowired HodeiProperties props;

    @Test
    void theRunSaysWhyItsJobWaitsAndWhenItRuns() throws Exception {
        String key = "progress-" + UUID.randomUUID();
        Job first = client.submit(JobSpec.newBuilder().setShell("sleep 12").setConcurrencyKey(key).build());
        await("the first job admitted").atMost(Duration.ofSeconds(30))
                .until(() -> client.get(first.getId()).getState() != JobState.JOB_STATE_PENDING);

        CliProcess.Result r = new CliProcess(grpc.port(), props.home())
                .run("run", "--progress", "--concurrency-key", key, "--", "echo out");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("out\n");
        assertThat(r.err()).contains("hodei: pending: submitted")
                .contains("hodei: waiting: concurrency key " + key + " is full: 1 of 1 admitted")
                .contains("hodei: running: dispatched to worker ");
    }

    @Test
    void withoutATerminalTheRunIsQuietAboutProgress() throws Exception {
        CliProcess.Result r = new CliProcess(grpc.port(), props.home()).run("run", "--", "echo out");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("out\n");
        assertThat(r.err()).doesNotContain("hodei: pending").doesNotContain("hodei: running");
    }
}
