package dev.hodei.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import dev.hodei.jobs.AttemptFailure;
import dev.hodei.jobs.JobRecord;
import dev.hodei.jobs.JobState;
import dev.hodei.jobs.JobStore;
import dev.hodei.jobs.JobTransitions;
import dev.hodei.jobs.ResultOutcome;
import dev.hodei.providers.ManagedResource;
import dev.hodei.providers.Providers;
import dev.hodei.providers.ProvisioningException;
import dev.hodei.providers.WorkerLaunch;
import dev.hodei.providers.WorkerProvider;
import dev.hodei.server.HodeiProperties;
import dev.hodei.workers.DestroyReason;
import dev.hodei.workers.WorkerDestruction;
import dev.hodei.workers.WorkerStore;
import hodei.v1.JobResult;
import hodei.v1.JobSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.CamelContext;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.EndpointInject;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.EnableRouteCoverage;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

/**
 * The lifecycle routes on Camel's test harness: the quartz trigger is replaced by a direct
 * endpoint and the next route by a mock, so each route is exercised alone against the real
 * database. Route coverage is written to target/camel-route-coverage.
 */
@CamelSpringBootTest
@EnableRouteCoverage
@SpringBootTest
@ActiveProfiles("test")
@UseAdviceWith
class LifecycleRoutesTest {

    @Autowired CamelContext camel;
    @Autowired ProducerTemplate producer;
    @Autowired JobStore jobs;
    @Autowired JobTransitions transitions;
    @Autowired PendingJobs pendingJobs;
    @Autowired WorkerStore workers;
    @Autowired JdbcTemplate jdbc;
    @Autowired HodeiProperties props;
    @Autowired WorkerDestruction workerDestruction;
    @Autowired WorkerReuse workerReuse;

    @EndpointInject("mock:scheduled") MockEndpoint scheduled;
    @EndpointInject("mock:destroy") MockEndpoint destroy;

    @BeforeEach
    void adviseOnce() throws Exception {
        if (!camel.isStarted()) {
            AdviceWith.adviceWith(camel, "pending-jobs", a -> a.replaceFromWith("direct:tick-disabled"));
            // these tests reap with reapers of their own clocks; the live one would reap their
            // workers, which never heartbeat, after lost-after
            AdviceWith.adviceWith(camel, "reap-workers", a -> a.replaceFromWith("direct:reap-disabled"));
            AdviceWith.adviceWith(camel, "claim-jobs",
                    a -> a.weaveByToUri("seda:claimed-jobs*").replace().to("mock:scheduled"));
            AdviceWith.adviceWith(camel, "job-completed",
                    a -> a.weaveByToUri("direct:destroy-worker").replace().to("mock:destroy"));
            AdviceWith.adviceWith(camel, "cancel-job",
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
    void aRoundThatClaimsAWholeBatchWakesTheClaimerForTheRest() throws Exception {
        int batch = props.jobs().claimBatchSize();
        List<UUID> queued = new ArrayList<>();
        for (int i = 0; i < batch + 5; i++) queued.add(submit(0));
        scheduled.expectedMessageCount(batch + 5);

        // one round reads a batch; the rest come from the wake it sends (the tick is disabled here)
        producer.sendBody("direct:claim-jobs", null);

        scheduled.assertIsSatisfied();
        assertThat(scheduled.getExchanges()).extracting(e -> e.getIn().getBody(JobRecord.class).id())
                .containsExactlyInAnyOrderElementsOf(queued);
    }

    @Test
    void concurrentClaimsNeverTakeTheSameJob() {
        Set<UUID> submitted = new HashSet<>();
        for (int i = 0; i < 40; i++) submitted.add(submit(0));

        CompletableFuture<List<JobRecord>> a = CompletableFuture.supplyAsync(pendingJobs::claim);
        CompletableFuture<List<JobRecord>> b = CompletableFuture.supplyAsync(pendingJobs::claim);
        List<UUID> claimed = new java.util.ArrayList<>();
        a.join().forEach(j -> claimed.add(j.id()));
        b.join().forEach(j -> claimed.add(j.id()));
        for (List<JobRecord> more = pendingJobs.claim(); !more.isEmpty(); more = pendingJobs.claim()) {
            more.forEach(j -> claimed.add(j.id()));
        }

        assertThat(claimed).doesNotHaveDuplicates();
        assertThat(new HashSet<>(claimed)).isEqualTo(submitted);
    }

    @Test
    void aNonZeroExitCodeFailsTheJobAndTheWorkerIsDestroyedImmediately() throws Exception {
        Running r = running();
        destroy.expectedMessageCount(1);
        destroy.expectedHeaderReceived("reason", DestroyReason.IMMEDIATE);
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
    void aWorkerStaysLiveUntilItsResultIsRecordedSoItCouldSendItAgain() throws Exception {
        Running r = running();
        // the database refuses to end this job, as if away, until the trigger is dropped; each refusal
        // counted by a sequence, which a rollback does not undo
        String trigger = "refuse_end_" + r.jobId.toString().replace("-", "");
        jdbc.execute("CREATE SEQUENCE " + trigger + "_tries");
        jdbc.execute("CREATE FUNCTION " + trigger + "() RETURNS trigger AS $$ BEGIN PERFORM nextval('" + trigger
                + "_tries'); RAISE EXCEPTION 'away'; END $$ LANGUAGE plpgsql");
        jdbc.execute("CREATE TRIGGER " + trigger + " BEFORE UPDATE ON jobs FOR EACH ROW WHEN (OLD.id = '" + r.jobId
                + "' AND NEW.state <> OLD.state) EXECUTE FUNCTION " + trigger + "()");
        destroy.expectedMessageCount(1);
        CompletableFuture<Object> sent;
        try {
            sent = producer.asyncRequestBodyAndHeader("direct:job-result", result(r, 0), "workerId", r.workerId);
            await("the result's recording refused, and tried again").atMost(Duration.ofSeconds(10)).until(() ->
                    jdbc.queryForObject("SELECT last_value FROM " + trigger + "_tries", Long.class) >= 2);
            assertThat(jobs.find(r.jobId).orElseThrow().state()).isEqualTo(JobState.RUNNING);
            // a worker that is TERMINATED may not come back on its session: it must not be, yet
            assertThat(workers.find(r.workerId).orElseThrow().terminatedAt()).as("terminated before its result is stored")
                    .isNull();
        } finally {
            jdbc.execute("DROP TRIGGER " + trigger + " ON jobs");
            jdbc.execute("DROP FUNCTION " + trigger + "()");
            jdbc.execute("DROP SEQUENCE " + trigger + "_tries");
        }
        sent.get(30, java.util.concurrent.TimeUnit.SECONDS);
        destroy.assertIsSatisfied();
        assertThat(jobs.find(r.jobId).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(workers.find(r.workerId).orElseThrow().terminatedAt()).isNotNull();
    }

    @Test
    void aResultFromAWorkerThatDoesNotRunTheJobIsIgnored() {
        Running r = running();
        UUID stranger = UUID.randomUUID();

        producer.sendBodyAndHeader("direct:job-result", result(r, 0), "workerId", stranger);

        assertThat(jobs.find(r.jobId).orElseThrow().state()).isEqualTo(JobState.RUNNING);
    }

    @Test
    void anExitCodeTheJobRetriesSendsItBackToTheQueueForItsNextAttempt() throws Exception {
        Running r = running(JobSpec.newBuilder().setShell("exit 75").addRetryOnExitCodes(75).setRetryBackoffMs(60_000));
        destroy.expectedMessageCount(1);

        producer.sendBodyAndHeader("direct:job-result", result(r, 75), "workerId", r.workerId);

        destroy.assertIsSatisfied();
        JobRecord job = jobs.find(r.jobId).orElseThrow();
        assertThat(job.state()).isEqualTo(JobState.PENDING);
        assertThat(job.workerId()).isNull();
        assertThat(job.failureReason()).isEqualTo("exit code 75");
        assertThat(jobs.eventsAfter(r.jobId, 0)).last().extracting(JobStore.Event::reason)
                .isEqualTo("exit code 75; retrying (attempt 2 of 3)");
        assertThat(pendingJobs.claim()).extracting(JobRecord::id).doesNotContain(r.jobId); // its backoff is a minute
    }

    @Test
    void aFailedAttemptOfAJobWhoseCancelWasAskedEndsCancelled() {
        Running r = running();
        jobs.markCancelRequested(r.jobId, "alice");

        producer.sendBody("direct:retry-or-fail", new AttemptFailure(r.jobId, 1, "WORKER_LOST: gone"));

        JobRecord job = jobs.find(r.jobId).orElseThrow();
        assertThat(job.state()).isEqualTo(JobState.CANCELLED);
        assertThat(jobs.eventsAfter(r.jobId, 0)).last().satisfies(e -> {
            assertThat(e.reason()).isEqualTo("cancelled (WORKER_LOST: gone)");
            assertThat(e.principal()).isEqualTo("alice");
        });
    }

    @Test
    void theLastAttemptsFailureIsFinalAndAnOldAttemptsFailureChangesNothing() {
        Running r = running(JobSpec.newBuilder().setShell("true").setMaxAttempts(1));

        producer.sendBody("direct:retry-or-fail", new AttemptFailure(r.jobId, 7, "WORKER_LOST: an old attempt"));
        assertThat(jobs.find(r.jobId).orElseThrow().state()).isEqualTo(JobState.RUNNING);

        producer.sendBody("direct:retry-or-fail", new AttemptFailure(r.jobId, 1, "WORKER_LOST: gone"));
        JobRecord job = jobs.find(r.jobId).orElseThrow();
        assertThat(job.state()).isEqualTo(JobState.FAILED);
        assertThat(job.failureReason()).isEqualTo("WORKER_LOST: gone");
        assertThat(job.finishedAt()).isNotNull();
    }

    @Test
    void cancellingAJobThatWaitsForItsWorkerEndsItAtOnceAndDestroysTheWorker() throws Exception {
        UUID jobId = submit(0);
        JobRecord claimed = claim(jobId);
        UUID workerId = UUID.randomUUID();
        transitions.startProvisioning(claimed, workerId, "process");
        workers.insertProvisioning(workerId, "process", jobId, 1);
        destroy.expectedMessageCount(1);
        destroy.expectedHeaderReceived("workerId", workerId);
        destroy.expectedHeaderReceived("reason", DestroyReason.CANCELLED);

        producer.sendBodyAndHeaders("direct:cancel-job", "not needed", java.util.Map.of("jobId", jobId, "principal", "bob"));

        destroy.assertIsSatisfied();
        JobRecord job = jobs.find(jobId).orElseThrow();
        assertThat(job.state()).isEqualTo(JobState.CANCELLED);
        assertThat(job.failureReason()).isEqualTo("cancelled: not needed");
        assertThat(job.cancelledBy()).isEqualTo("bob");
    }

    @Test
    void cancellingAFinishedJobChangesNothing() {
        Running r = running();
        producer.sendBodyAndHeader("direct:job-result", result(r, 0), "workerId", r.workerId);

        producer.sendBodyAndHeaders("direct:cancel-job", "", java.util.Map.of("jobId", r.jobId, "principal", "bob"));

        JobRecord job = jobs.find(r.jobId).orElseThrow();
        assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(job.cancelRequested()).isFalse();
        assertThat(job.cancelledBy()).isNull();
    }

    @Test
    void theReaperDoomsAWorkerWhoseAgentMissedTheStartDeadlineOnlyOnceItPassed() {
        UUID jobId = submit(0);
        UUID workerId = UUID.randomUUID();
        assertThat(transitions.startProvisioning(claim(jobId), workerId, "process")).isTrue();
        workers.insertProvisioning(workerId, "process", jobId, 1);

        assertThat(reaperAt(Duration.ZERO).doomed()).extracting(WorkerReaper.Doomed::workerId).doesNotContain(workerId);
        assertThat(reaperAt(props.workers().startDeadline().plusSeconds(1)).doomed())
                .filteredOn(d -> d.workerId().equals(workerId)).singleElement().satisfies(d -> {
                    assertThat(d.reason()).isEqualTo(DestroyReason.GC_PROVISION_TIMEOUT);
                    assertThat(d.failure()).startsWith("START_TIMEOUT: the agent did not register within");
                });
    }

    @Test
    void theReaperDoomsAWorkerWhoseHeartbeatsStoppedAndItsJobIsRetriedAfterTheDestroy() throws Exception {
        Running r = running();
        Duration silence = props.workers().lostAfter().plusSeconds(1);
        WorkerReaper notReadyYet = new WorkerReaper(workers, props, Clock.offset(Clock.systemUTC(), silence));
        assertThat(notReadyYet.doomed()).as("before the heartbeat clocks restart, silence measures our downtime")
                .extracting(WorkerReaper.Doomed::workerId).doesNotContain(r.workerId);
        WorkerReaper.Doomed lost = reaperAt(silence).doomed().stream()
                .filter(d -> d.workerId().equals(r.workerId)).findFirst().orElseThrow();
        assertThat(lost.reason()).isEqualTo(DestroyReason.GC_LOST);
        assertThat(reaperAt(Duration.ZERO).doomed()).extracting(WorkerReaper.Doomed::workerId).doesNotContain(r.workerId);

        producer.sendBody("direct:retry-or-fail", new WorkerFailures(workers).attemptOf(r.workerId, lost.failure()));

        JobRecord job = jobs.find(r.jobId).orElseThrow();
        assertThat(job.state()).isEqualTo(JobState.PENDING);
        assertThat(job.failureReason()).startsWith("WORKER_LOST: no heartbeat for");
    }

    @Test
    void aGapInTheReapersOwnPassesIsNoEvidenceThatAWorkerWentSilent() {
        Running r = running();
        Instant start = Instant.now();
        java.util.concurrent.atomic.AtomicReference<Instant> now = new java.util.concurrent.atomic.AtomicReference<>(start);
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        WorkerReaper reaper = new WorkerReaper(workers, props, clock);
        reaper.graceAfterRestart();
        assertThat(reaper.doomed()).extracting(WorkerReaper.Doomed::workerId).doesNotContain(r.workerId);

        // no pass for twice the silence that dooms a worker (the database away: no heartbeat written either)
        Duration lostAfter = props.workers().lostAfter();
        now.set(start.plus(lostAfter.multipliedBy(2)).plusSeconds(10));
        assertThat(reaper.doomed()).as("the first pass after the gap").extracting(WorkerReaper.Doomed::workerId)
                .doesNotContain(r.workerId);

        // passes every second again: silent for lost-after since the gap ended, the worker is lost
        Instant resumed = now.get();
        List<WorkerReaper.Doomed> last = List.of();
        while (now.get().isBefore(resumed.plus(lostAfter).plusSeconds(1))) {
            assertThat(last).extracting(WorkerReaper.Doomed::workerId).doesNotContain(r.workerId);
            now.set(now.get().plusSeconds(1));
            last = reaper.doomed();
        }
        assertThat(last).filteredOn(d -> d.workerId().equals(r.workerId)).singleElement()
                .extracting(WorkerReaper.Doomed::reason).isEqualTo(DestroyReason.GC_LOST);
    }

    @Test
    void deadlinesOfQueuedAndClaimedJobsAreMeasuredWithTheInjectedClock() {
        UUID stuck = submit(0);
        claim(stuck);
        UUID queued = jobs.submit(JobSpec.newBuilder().setShell("true").setQueueTimeoutSeconds(60).build(), null,
                "process", 1, 60).job().id();

        assertThat(deadlinesAt(Duration.ZERO).pastQueueDeadline()).doesNotContain(queued);
        assertThat(deadlinesAt(Duration.ofMinutes(2)).pastQueueDeadline()).contains(queued);
        assertThat(deadlinesAt(Duration.ZERO).stuckClaims()).extracting(AttemptFailure::jobId).doesNotContain(stuck);
        assertThat(deadlinesAt(props.workers().startDeadline().plusSeconds(1)).stuckClaims())
                .filteredOn(f -> f.jobId().equals(stuck)).singleElement()
                .extracting(AttemptFailure::reason).isEqualTo("SCHEDULING_FAILED: claimed but never provisioned");
    }

    @Test
    void theOrphanSweepWarnsOfAnUnreachableProviderOnceAndOnlyWhileItHasWorkers() {
        boolean[] answers = {false};
        WorkerProvider away = new Stub("away") {
            @Override
            public List<ManagedResource> list() throws ProvisioningException {
                if (!answers[0]) throw new ProvisioningException("daemon unreachable");
                return List.of();
            }
        };
        OrphanSweep sweep = new OrphanSweep(new Providers(List.of(away, new Stub(props.jobs().defaultProvider())), props),
                workers, workerDestruction);
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(OrphanSweep.class);
        ListAppender<ILoggingEvent> said = new ListAppender<>();
        said.start();
        logger.addAppender(said);
        UUID worker = UUID.randomUUID();
        try {
            sweep.sweep();
            sweep.sweep();
            assertThat(said.list).as("no worker of ours there: no news").noneMatch(e -> e.getLevel() == Level.WARN);

            workers.insertWarm(worker, "away", "away-pool", "", 0.5, 256, "default", false);
            sweep.sweep();
            sweep.sweep();
            assertThat(said.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
                    .extracting(ILoggingEvent::getFormattedMessage).asString()
                    .contains("cannot list away resources: daemon unreachable");

            answers[0] = true;
            sweep.sweep();
            assertThat(said.list).extracting(ILoggingEvent::getFormattedMessage).contains("GC: away answers again");
        } finally {
            logger.detachAppender(said);
            workers.markDestroyed(worker, DestroyReason.NOT_NEEDED);
        }
    }

    /** A provider that makes nothing and lists nothing. */
    private static class Stub implements WorkerProvider {
        private final String name;

        Stub(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void provision(WorkerLaunch launch, java.util.function.Consumer<String> recordResource)
                throws ProvisioningException {
            throw new ProvisioningException("a stub makes no worker");
        }

        @Override
        public void destroy(ManagedResource resource) {
        }

        @Override
        public List<ManagedResource> list() throws ProvisioningException {
            return List.of();
        }

        @Override
        public void checkHealth() {
        }
    }

    private WorkerReaper reaperAt(Duration ahead) {
        WorkerReaper reaper = new WorkerReaper(workers, props, Clock.offset(Clock.systemUTC(), ahead));
        reaper.graceAfterRestart();
        return reaper;
    }

    private JobDeadlines deadlinesAt(Duration ahead) {
        return new JobDeadlines(jobs, props, Clock.offset(Clock.systemUTC(), ahead));
    }

    @Test
    void aResultResentByAReusableWorkerAfterItsReleaseChangesNeitherTheWorkerNorItsNextJob() throws Exception {
        UUID worker = UUID.randomUUID();
        workers.insertWarm(worker, "process", "trusted", "", 0.5, 256, "default", true);
        assertThat(workers.markRegistered(worker, null, "session")).isTrue();
        UUID first = runOnWarm(worker);
        JobResult firstResult = JobResult.newBuilder().setJobId(first.toString()).setAttempt(1).setExitCode(0).build();
        assertThat(transitions.finish(ResultOutcome.of(firstResult, JobSpec.getDefaultInstance(), 3))).isTrue();
        assertThat(workers.release(worker, first, 1)).isTrue();
        UUID next = runOnWarm(worker);

        producer.sendBodyAndHeader("direct:job-result", firstResult, "workerId", worker);

        assertThat(destroy.getReceivedCounter()).isZero();
        assertThat(workers.find(worker).orElseThrow()).satisfies(w -> {
            assertThat(w.state()).isEqualTo(dev.hodei.workers.WorkerState.BUSY);
            assertThat(w.jobId()).isEqualTo(next);
        });
        assertThat(jobs.find(next).orElseThrow().state()).isEqualTo(JobState.RUNNING);
        assertThat(workers.release(worker, first, 1)).as("release is guarded by the attempt it holds").isFalse();
    }

    @Test
    void aReusableWorkerThatReportsIsHandedTheFirstWaitingJobOfItsProvider() {
        Reported r = aReusableWorkerThatReported();
        UUID worker = r.worker();
        UUID ended = r.ended();
        UUID older = waiting(r.provider(), JobStore.Request.NONE);
        UUID newer = waiting(r.provider(), JobStore.Request.NONE);

        JobRecord next = transitions.handOver(worker, ended, 1).orElseThrow();

        assertThat(next.id()).isEqualTo(older);
        assertThat(next.state()).isEqualTo(JobState.PROVISIONING);
        assertThat(next.attempt()).isEqualTo(1);
        assertThat(workers.find(worker).orElseThrow()).satisfies(w -> {
            assertThat(w.jobId()).isEqualTo(older);
            assertThat(w.jobAttempt()).isEqualTo(1);
            assertThat(w.jobsTaken()).isEqualTo(2);
        });
        assertThat(jdbc.queryForList("SELECT from_state || ' -> ' || to_state || ': ' || reason FROM job_events "
                + "WHERE job_id = ? AND from_state IS NOT NULL ORDER BY id", String.class, older))
                .containsExactly("PENDING -> ASSIGNED: claimed",
                        "ASSIGNED -> PROVISIONING: warm worker " + worker + " of pool trusted, handed over at its last job's end");
        assertThat(jobs.find(newer).orElseThrow().state()).isEqualTo(JobState.PENDING);
        assertThat(transitions.handOver(worker, ended, 1)).as("the worker no longer holds the job it reported").isEmpty();
    }

    @Test
    void aHandOverTriedAgainAfterItsFirstTryCommittedFindsTheJobThatTryHandedOver() {
        Reported r = aReusableWorkerThatReported();
        UUID worker = r.worker();
        UUID ended = r.ended();
        UUID next = waiting(r.provider(), JobStore.Request.NONE);
        JobResult reported = JobResult.newBuilder().setJobId(ended.toString()).setAttempt(1).setExitCode(0).build();

        assertThat(workerReuse.handOver(worker, reported, false)).extracting(JobRecord::id).isEqualTo(next);
        // the first try's reply lost after its commit: job-completed is redelivered
        assertThat(workerReuse.handOver(worker, reported, true)).as("the redelivered hand-over")
                .extracting(JobRecord::id, JobRecord::state).containsExactly(next, JobState.PROVISIONING);
        assertThat(workerReuse.handOver(worker, reported, false)).as("the same result again, no redelivery").isNull();
        assertThat(workers.find(worker).orElseThrow().jobsTaken()).as("one hand-over, not two").isEqualTo(2);

        assertThat(transitions.start(next, 1, worker)).isTrue();
        assertThat(workerReuse.handOver(worker, reported, true)).as("redelivered once the worker took the job").isNull();
    }

    @Test
    void aHeadTheWorkerMayNotRunIsNotHandedOverAndNeitherIsAnyJobBehindIt() {
        Reported r = aReusableWorkerThatReported();
        UUID worker = r.worker();
        UUID ended = r.ended();
        UUID keyed = waiting(r.provider(), new JobStore.Request(0, 0, "deploy-" + r.provider(), 1));
        UUID behind = waiting(r.provider(), JobStore.Request.NONE);

        assertThat(transitions.handOver(worker, ended, 1)).as("a head naming a concurrency key").isEmpty();
        jdbc.update("UPDATE jobs SET cpu_request = 1 WHERE id = ?", keyed);
        jdbc.update("UPDATE jobs SET concurrency_key = NULL WHERE id = ?", keyed);
        assertThat(transitions.handOver(worker, ended, 1)).as("a head asking more than the worker's half core").isEmpty();

        assertThat(jobs.find(keyed).orElseThrow().state()).isEqualTo(JobState.PENDING);
        assertThat(jobs.find(behind).orElseThrow().state()).isEqualTo(JobState.PENDING);
        assertThat(workers.find(worker).orElseThrow().jobId()).isEqualTo(ended);
    }

    /** A reusable worker of a provider of its own (a queue no other test uses), whose job just ended. */
    private record Reported(String provider, UUID worker, UUID ended) {}

    private Reported aReusableWorkerThatReported() {
        String provider = "hand-over-" + UUID.randomUUID().toString().substring(0, 8);
        UUID worker = reusableWorker(provider);
        UUID ended = runOnWarm(worker, provider);
        finish(ended);
        claimerIdle();
        return new Reported(provider, worker, ended);
    }

    /**
     * No claim round running or queued: a wake left by an earlier test's job-completed would claim
     * the jobs these tests leave waiting (a provider the server does not know has no limit).
     */
    private void claimerIdle() {
        SedaEndpoint wakes = (SedaEndpoint) camel.getRoute("job-ended").getEndpoint();
        await("the claimer idle").atMost(Duration.ofSeconds(10))
                .until(() -> wakes.getCurrentQueueSize() == 0 && camel.getInflightRepository().size("job-ended") == 0);
    }

    private UUID reusableWorker(String provider) {
        UUID worker = UUID.randomUUID();
        workers.insertWarm(worker, provider, "trusted", "", 0.5, 256, "default", true);
        assertThat(workers.markRegistered(worker, null, "session")).isTrue();
        return worker;
    }

    private UUID waiting(String provider, JobStore.Request request) {
        return jobs.submit(JobSpec.newBuilder().setShell("true").build(), null, JobStore.Origin.DEFAULT, provider, 3, 60,
                null, request).job().id();
    }

    private void finish(UUID jobId) {
        JobResult result = JobResult.newBuilder().setJobId(jobId.toString()).setAttempt(1).setExitCode(0).build();
        assertThat(transitions.finish(ResultOutcome.of(result, JobSpec.getDefaultInstance(), 3))).isTrue();
    }

    /** A job taken by a READY warm worker and running on it, as provision-worker and dispatch-job leave it. */
    private UUID runOnWarm(UUID worker) {
        return runOnWarm(worker, "process");
    }

    private UUID runOnWarm(UUID worker, String provider) {
        UUID jobId = jobs.submit(JobSpec.newBuilder().setShell("true").build(), null, provider, 3, 60).job().id();
        JobRecord claimed = claim(jobId);
        assertThat(workers.take(jobId, 1, "default", provider, "", 0.5, 256, Set.of(worker))).isPresent();
        assertThat(transitions.takeWarmWorker(claimed, worker, "trusted", 0.5, 256)).isTrue();
        assertThat(transitions.start(jobId, 1, worker)).isTrue();
        assertThat(workers.markBusy(worker)).isTrue();
        return jobId;
    }

    private UUID submit(int priority) {
        return jobs.submit(JobSpec.newBuilder().setShell("true").setPriority(priority).build(), null, "process", 3, 60)
                .job().id();
    }

    private record Running(UUID jobId, UUID workerId) {}

    private Running running() {
        return running(JobSpec.newBuilder().setShell("true"));
    }

    /** A job that a worker is running, as the dispatch route leaves it, moved there edge by edge. */
    private Running running(JobSpec.Builder spec) {
        UUID jobId = jobs.submit(spec.build(), null, "process", spec.getMaxAttempts() > 0 ? spec.getMaxAttempts() : 3, 60)
                .job().id();
        JobRecord claimed = claim(jobId);
        UUID workerId = UUID.randomUUID();
        assertThat(transitions.startProvisioning(claimed, workerId, "process")).isTrue();
        workers.insertProvisioning(workerId, "process", jobId, 1);
        assertThat(workers.markRegistered(workerId, null, "session")).isTrue();
        assertThat(transitions.start(jobId, 1, workerId)).isTrue();
        assertThat(workers.markBusy(workerId)).isTrue();
        return new Running(jobId, workerId);
    }

    private JobRecord claim(UUID jobId) {
        return transitions.claim(List.of(jobId)).get(0);
    }

    private static JobResult result(Running r, int exitCode) {
        return JobResult.newBuilder().setJobId(r.jobId.toString()).setAttempt(1).setExitCode(exitCode).build();
    }
}
