package dev.hodei.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hodei.workers.WorkerStore;
import hodei.v1.JobResult;
import hodei.v1.JobSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

/**
 * The claim and completion routes on Camel's test harness: the quartz trigger is replaced by a
 * direct endpoint and the next route by a mock, so each route is exercised alone against the
 * real database.
 */
@CamelSpringBootTest
@SpringBootTest
@ActiveProfiles("test")
@UseAdviceWith
class LifecycleRoutesTest {

    @Autowired CamelContext camel;
    @Autowired ProducerTemplate producer;
    @Autowired JobStore jobs;
    @Autowired WorkerStore workers;
    @Autowired JdbcTemplate jdbc;

    @EndpointInject("mock:scheduled") MockEndpoint scheduled;
    @EndpointInject("mock:destroy") MockEndpoint destroy;

    @BeforeEach
    void adviseOnce() throws Exception {
        if (!camel.isStarted()) {
            AdviceWith.adviceWith(camel, "pending-jobs", a -> a.replaceFromWith("direct:tick-disabled"));
            AdviceWith.adviceWith(camel, "claim-jobs",
                    a -> a.weaveByToUri("direct:schedule-job").replace().to("mock:scheduled"));
            AdviceWith.adviceWith(camel, "job-completed",
                    a -> a.weaveByToUri("direct:destroy-worker").replace().to("mock:destroy"));
            camel.start();
            camel.getRouteController().startRoute("claim-jobs"); // a running server's IntegratorRoutes does this
        }
        MockEndpoint.resetMocks(camel);
        jdbc.update("UPDATE jobs SET state = 'CANCELLED' WHERE state = 'PENDING'"); // each test starts with an empty queue
    }

    @Test
    void claimsDueJobsByPriorityThenAgeAndLeavesTheRestPending() throws Exception {
        UUID low1 = submit(0);
        UUID high = submit(5);
        UUID low2 = submit(0);
        UUID later = submit(9);
        jdbc.update("UPDATE jobs SET not_before = now() + interval '1 hour' WHERE id = ?", later);
        scheduled.expectedMessageCount(3);

        producer.sendBody("direct:claim-jobs", null);

        scheduled.assertIsSatisfied();
        assertThat(scheduled.getExchanges()).extracting(e -> e.getIn().getBody(JobRecord.class).id())
                .containsExactly(high, low1, low2);
        assertThat(scheduled.getExchanges()).allSatisfy(e -> {
            JobRecord j = e.getIn().getBody(JobRecord.class);
            assertThat(j.state()).isEqualTo(JobState.ASSIGNED);
            assertThat(j.attempt()).isEqualTo(1);
        });
        assertThat(jobs.find(later).orElseThrow().state()).isEqualTo(JobState.PENDING);
        assertThat(jobs.eventsAfter(high, 0)).extracting(JobStore.Event::reason).containsExactly("submitted", "claimed");
    }

    @Test
    void concurrentClaimsNeverTakeTheSameJob() {
        Set<UUID> submitted = new HashSet<>();
        for (int i = 0; i < 40; i++) submitted.add(submit(0));

        CompletableFuture<List<JobRecord>> a = CompletableFuture.supplyAsync(() -> jobs.claimPending(25));
        CompletableFuture<List<JobRecord>> b = CompletableFuture.supplyAsync(() -> jobs.claimPending(25));
        List<UUID> claimed = new java.util.ArrayList<>();
        a.join().forEach(j -> claimed.add(j.id()));
        b.join().forEach(j -> claimed.add(j.id()));
        jobs.claimPending(25).forEach(j -> claimed.add(j.id()));

        assertThat(claimed).doesNotHaveDuplicates();
        assertThat(new HashSet<>(claimed)).isEqualTo(submitted);
    }

    @Test
    void aNonZeroExitCodeFailsTheJobAndTheWorkerIsDestroyedImmediately() throws Exception {
        Running r = running();
        destroy.expectedMessageCount(1);
        destroy.expectedHeaderReceived("reason", "immediate");
        destroy.expectedHeaderReceived("workerId", r.workerId);

        producer.sendBodyAndHeader("direct:job-result", result(r, 3), "workerId", r.workerId);

        destroy.assertIsSatisfied();
        JobRecord job = jobs.find(r.jobId).orElseThrow();
        assertThat(job.state()).isEqualTo(JobState.FAILED);
        assertThat(job.exitCode()).isEqualTo(3);
        assertThat(job.failureReason()).isEqualTo("exit code 3");
        assertThat(workers.find(r.workerId).orElseThrow().terminatedAt()).isNotNull();
    }

    @Test
    void exitCodeZeroSucceedsAndADuplicateResultIsRecordedOnce() throws Exception {
        Running r = running();

        producer.sendBodyAndHeader("direct:job-result", result(r, 0), "workerId", r.workerId);
        producer.sendBodyAndHeader("direct:job-result", result(r, 1), "workerId", r.workerId);

        JobRecord job = jobs.find(r.jobId).orElseThrow();
        assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(job.exitCode()).isZero();
        assertThat(jobs.eventsAfter(r.jobId, 0)).filteredOn(e -> e.toState().equals("SUCCEEDED")).hasSize(1);
        assertThat(jobs.eventsAfter(r.jobId, 0)).noneMatch(e -> e.toState().equals("FAILED"));
    }

    @Test
    void aResultFromAWorkerThatDoesNotRunTheJobIsIgnored() {
        Running r = running();
        UUID stranger = UUID.randomUUID();

        producer.sendBodyAndHeader("direct:job-result", result(r, 0), "workerId", stranger);

        assertThat(jobs.find(r.jobId).orElseThrow().state()).isEqualTo(JobState.RUNNING);
    }

    private UUID submit(int priority) {
        return jobs.submit(JobSpec.newBuilder().setShell("true").setPriority(priority).build(), null, "process", 3, 60)
                .job().id();
    }

    private record Running(UUID jobId, UUID workerId) {}

    /** A job that a worker is running, as the dispatch route leaves it. */
    private Running running() {
        UUID jobId = submit(0);
        UUID workerId = UUID.randomUUID();
        jdbc.update("UPDATE jobs SET state = 'RUNNING', attempt = 1, worker_id = ? WHERE id = ?", workerId, jobId);
        workers.insertProvisioning(workerId, "process", jobId, 1);
        jdbc.update("UPDATE workers SET state = 'BUSY', last_heartbeat_at = now() WHERE id = ?", workerId);
        return new Running(jobId, workerId);
    }

    private static JobResult result(Running r, int exitCode) {
        return JobResult.newBuilder().setJobId(r.jobId.toString()).setAttempt(1).setExitCode(exitCode).build();
    }
}
