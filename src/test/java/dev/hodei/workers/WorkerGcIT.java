package dev.hodei.workers;

import static dev.hodei.testing.JobAssert.assertThatJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hodei.testing.Agents;
import dev.hodei.testing.ControlPlaneIT;
import dev.hodei.testing.TestProviders;
import hodei.v1.CancelJobRequest;
import hodei.v1.Job;
import hodei.v1.JobEvent;
import hodei.v1.JobSpec;
import hodei.v1.JobState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/** The safety net: lost agents, agents that never register, failed providers, orphans. */
class WorkerGcIT extends ControlPlaneIT {

    @Autowired CamelContext camel;

    @Test
    void aKilledAgentIsLostThenTheJobIsRetriedAndSucceeds(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("first-attempt-ran");
        // First attempt: leaves the marker and hangs; second attempt: sees it and succeeds.
        Job job = client.submit("if [ -e " + marker + " ]; then echo second; else touch " + marker + "; sleep 300; fi");
        await("first attempt running").atMost(Duration.ofSeconds(20)).until(() -> Files.exists(marker));
        UUID firstWorker = UUID.fromString(client.get(job.getId()).getWorkerId());
        long agentPid = Long.parseLong(jdbc.queryForObject(
                "SELECT provider_resource_id FROM workers WHERE id = ?", String.class, firstWorker));

        ProcessHandle.of(agentPid).orElseThrow().destroyForcibly();
        Job done = client.awaitEnd(job.getId());

        assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(done.getAttempt()).isEqualTo(2);
        assertThat(client.events(job.getId())).extracting(JobEvent::getReason)
                .anyMatch(r -> r.startsWith("WORKER_LOST"));
        // the lost worker is destroyed before its attempt is failed, so before attempt 2 even starts
        assertThat(jdbc.queryForObject("SELECT destroy_reason FROM workers WHERE id = ?", String.class, firstWorker))
                .isEqualTo("gc-lost");
        assertThat(jdbc.queryForObject("""
                SELECT w.destroyed_at < (SELECT min(at) FROM job_events e WHERE e.job_id = w.job_id AND e.attempt = 2)
                FROM workers w WHERE w.id = ?""", Boolean.class, firstWorker)).isTrue();
        await("the lost attempt's sleep is gone").atMost(Duration.ofSeconds(10)).until(
                () -> ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("").contains(marker.toString())));
    }

    @Test
    void aLostWorkersAttemptFailsOnlyOnceItsWorkerIsGoneNotWhileItsDestroyFails() throws Exception {
        Job job = client.submit(JobSpec.newBuilder().setShell("sleep 600").setProvider("unremovable").setMaxAttempts(1).build());
        await("running").atMost(Duration.ofSeconds(30))
                .until(() -> client.get(job.getId()).getState() == JobState.JOB_STATE_RUNNING);
        UUID worker = UUID.fromString(client.get(job.getId()).getWorkerId());
        ProcessHandle agent = ProcessHandle.of(Long.parseLong(jdbc.queryForObject(
                "SELECT provider_resource_id FROM workers WHERE id = ?", String.class, worker))).orElseThrow();
        TestProviders.refuseDestroys(true);
        int refusedBefore = TestProviders.refusedDestroys();
        try {
            // frozen: its heartbeats stop, its job's process lives on; the provider cannot remove it
            assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(agent.pid())).start().waitFor()).isZero();
            await("declared lost, and its destroy refused twice").atMost(Duration.ofSeconds(30))
                    .until(() -> TestProviders.refusedDestroys() >= refusedBefore + 2);
            assertThat(jdbc.queryForObject("SELECT state FROM workers WHERE id = ?", String.class, worker))
                    .isEqualTo("TERMINATED");
            Job meanwhile = client.get(job.getId());
            assertThat(meanwhile.getState()).as("while the worker may still run it, the attempt is not over")
                    .isEqualTo(JobState.JOB_STATE_RUNNING);

            TestProviders.refuseDestroys(false);
            Job done = client.awaitEnd(job.getId());
            assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
            assertThat(done.getFailureReason())
                    .isEqualTo("WORKER_LOST: its worker was ended and its removal had to be tried again");
            assertThat(agent.isAlive()).as("the attempt failed after its worker was removed").isFalse();
            assertThat(jdbc.queryForObject("SELECT destroy_reason FROM workers WHERE id = ?", String.class, worker))
                    .isEqualTo("gc-destroy-retry");
        } finally {
            TestProviders.refuseDestroys(false);
            if (agent.isAlive()) {
                agent.descendants().forEach(ProcessHandle::destroyForcibly);
                agent.destroyForcibly();
            }
        }
    }

    @Test
    void aWorkerThatNeverRegistersIsDestroyedAtTheStartDeadline() {
        Job job = client.submit(JobSpec.newBuilder().setShell("true").setProvider("stalled").setMaxAttempts(1).build());
        Job done = client.awaitEnd(job.getId());

        assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
        assertThat(done.getFailureReason()).startsWith("START_TIMEOUT");
        List<String> reasons = jdbc.queryForList("SELECT destroy_reason FROM workers WHERE job_id = ?", String.class,
                UUID.fromString(job.getId()));
        assertThat(reasons).containsExactly("gc-provision-timeout");
        String pid = jdbc.queryForObject("SELECT provider_resource_id FROM workers WHERE job_id = ?", String.class,
                UUID.fromString(job.getId()));
        assertThat(ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void aWorkerEndedWhileItsProviderStartsItIsDestroyedOnceStartedNotLeftToTheGc() throws Exception {
        int calls = TestProviders.heldCalls();
        Job job = client.submit(JobSpec.newBuilder().setShell("true").setProvider("held").setMaxAttempts(1).build());
        await("the provider asked for a worker").atMost(Duration.ofSeconds(20)).until(() -> TestProviders.heldCalls() > calls);
        client.jobs().cancelJob(CancelJobRequest.newBuilder().setId(job.getId()).build());
        assertThat(client.awaitEnd(job.getId()).getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);

        releaseHeldAndAwaitItsProcessDestroyed(job);
    }

    @Test
    void aProviderCallThatHangsHoldsUpNeitherTheClaimerNorOtherJobs() throws Exception {
        int calls = TestProviders.heldCalls();
        Job held = client.submit(JobSpec.newBuilder().setShell("true").setProvider("held").setMaxAttempts(1).build());
        await("the provider asked for a worker").atMost(Duration.ofSeconds(20)).until(() -> TestProviders.heldCalls() > calls);

        Job other = client.awaitEnd(client.submit("echo other").getId());

        assertThatJob(other).hasState(JobState.JOB_STATE_SUCCEEDED);
        assertThat(client.get(held.getId()).getState()).as("still in its provider's call").isEqualTo(JobState.JOB_STATE_PROVISIONING);
        client.jobs().cancelJob(CancelJobRequest.newBuilder().setId(held.getId()).build());
        assertThat(client.awaitEnd(held.getId()).getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
        releaseHeldAndAwaitItsProcessDestroyed(held);
    }

    /** Lets the held provider start the process of {@code job}'s worker, already ended: it is destroyed at once. */
    private void releaseHeldAndAwaitItsProcessDestroyed(Job job) {
        TestProviders.releaseHeld();
        String pid = await("the started process recorded").atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT provider_resource_id FROM workers WHERE job_id = ?", String.class, UUID.fromString(job.getId())),
                java.util.Objects::nonNull);
        try {
            await("and destroyed at once").atMost(Duration.ofSeconds(10))
                    .until(() -> ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false), alive -> !alive);
        } finally {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(p -> {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            });
        }
    }

    @Test
    void aFailingProviderFailsTheJobWithItsReasonAfterTheRetries() {
        Job job = client.submit(JobSpec.newBuilder().setShell("true").setProvider("broken").setMaxAttempts(2).build());
        Job done = client.awaitEnd(job.getId());

        assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
        assertThat(done.getAttempt()).isEqualTo(2);
        assertThat(done.getFailureReason())
                .isEqualTo("PROVISIONING_FAILED: cannot reach the provider daemon (connection refused)");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM workers WHERE job_id = ? AND destroyed_at IS NOT NULL",
                Long.class, UUID.fromString(job.getId()))).isEqualTo(2);
    }

    @Test
    void anOrphanAgentThatNoWorkerRowOwnsIsDestroyed() throws Exception {
        UUID unknownWorker = UUID.randomUUID();
        Process orphan = new ProcessBuilder("/bin/sh", "-c", "sleep 600; :", "-Dhodei.managed=true",
                "-Dhodei.instance=" + identity.instanceId(), "-Dhodei.worker-id=" + unknownWorker).start();
        try {
            await("orphan destroyed by the GC").atMost(Duration.ofSeconds(10)).until(() -> !orphan.isAlive());
        } finally {
            orphan.destroyForcibly();
        }
        assertThat(Agents.ofWorker(unknownWorker.toString())).isEmpty();
    }

    @Test
    void anotherInstancesAgentsAreNotTouched() throws Exception {
        Process foreign = new ProcessBuilder("/bin/sh", "-c", "sleep 600; :", "-Dhodei.managed=true",
                "-Dhodei.instance=" + UUID.randomUUID(), "-Dhodei.worker-id=" + UUID.randomUUID()).start();
        try {
            // two whole sweeps that saw it running
            NotifyBuilder sweeps = new NotifyBuilder(camel).fromRoute("sweep-orphans").whenCompleted(2).create();
            assertThat(sweeps.matches(30, TimeUnit.SECONDS)).isTrue();
            assertThat(foreign.isAlive()).isTrue();
        } finally {
            foreign.descendants().forEach(ProcessHandle::destroyForcibly);
            foreign.destroyForcibly();
        }
    }
}
