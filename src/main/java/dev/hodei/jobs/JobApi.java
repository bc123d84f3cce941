package dev.hodei.jobs;

import dev.hodei.auth.Caller;
import dev.hodei.auth.Namespaces;
import dev.hodei.auth.Permission;
import dev.hodei.routes.LifecycleRoutes;
import dev.hodei.server.ClientText;
import dev.hodei.server.HodeiProperties;
import dev.hodei.server.PageSize;
import dev.hodei.server.ProtoTime;
import dev.hodei.server.UnaryResponse;
import dev.hodei.workers.AgentCommands;
import dev.hodei.workers.WorkerRecord;
import dev.hodei.workers.WorkerStore;
import hodei.v1.CancelJobRequest;
import hodei.v1.GetJobRequest;
import hodei.v1.GetQueueRequest;
import hodei.v1.Queue;
import hodei.v1.Job;
import hodei.v1.JobEvent;
import hodei.v1.JobServiceGrpc;
import hodei.v1.JobSpec;
import hodei.v1.ListJobsRequest;
import hodei.v1.ListJobsResponse;
import hodei.v1.LogChunk;
import hodei.v1.StreamLogsRequest;
import hodei.v1.SubmitJobRequest;
import hodei.v1.SubmitJobResponse;
import hodei.v1.SubmitJobsRequest;
import hodei.v1.SubmitJobsResponse;
import hodei.v1.WatchJobRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import jakarta.annotation.PreDestroy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** The client API ({@code hodei.v1.JobService}). */
@Component
public class JobApi extends JobServiceGrpc.JobServiceImplBase {

    private static final int LOG_PAGE = 500;
    private static final long FOLLOW_POLL_MS = 1000;
    // Most agents stop a job and report within a second; the answer says CANCELLED then.
    private static final java.time.Duration CANCEL_ANSWER_WITHIN = java.time.Duration.ofSeconds(5);

    private final JobStore jobs;
    private final JobLogStore logs;
    private final JobSignals signals;
    private final JobSubmission submission;
    private final LifecycleRoutes routes;
    private final QueueStanding queue;
    private final WorkerStore workers;
    private final AgentCommands commands;
    private final ExecutorService followers = Executors.newCachedThreadPool(new FollowerThreads());
    private final FollowStreams followStreams;

    private final TransactionTemplate tx;
    private final int maxBatch;

    public JobApi(JobStore jobs, JobLogStore logs, JobSignals signals, JobSubmission submission,
                  LifecycleRoutes routes, WorkerStore workers, QueueStanding queue, TransactionTemplate tx,
                  HodeiProperties props, AgentCommands commands, FollowStreams followStreams) {
        this.commands = commands;
        this.followStreams = followStreams;
        this.tx = tx;
        this.maxBatch = props.jobs().maxBatchSize();
        this.queue = queue;
        this.workers = workers;
        this.jobs = jobs;
        this.logs = logs;
        this.signals = signals;
        this.submission = submission;
        this.routes = routes;
    }

    @PreDestroy
    void stopFollowers() {
        followers.shutdownNow();
    }

    @Override
    public void submitJob(SubmitJobRequest request, StreamObserver<SubmitJobResponse> response) {
        UnaryResponse.send(response, () -> {
            Caller caller = Caller.current();
            String namespace = Namespaces.of(request.getNamespace(), "namespace");
            caller.require(Permission.SUBMIT, namespace);
            JobSubmission.checkClientKey(request.getIdempotencyKey());
            JobStore.Submitted s = submission.submit(request.getSpec(), request.getIdempotencyKey(),
                    new JobStore.Origin(namespace, caller.name()), null);
            submission.wake(s);
            return SubmitJobResponse.newBuilder().setJob(s.job().toProto()).setCreated(s.created()).build();
        });
    }

    @Override
    public void submitJobs(SubmitJobsRequest request, StreamObserver<SubmitJobsResponse> response) {
        UnaryResponse.send(response, () -> {
            int n = request.getJobsCount();
            if (n == 0 || n > maxBatch) {
                throw Status.INVALID_ARGUMENT.withDescription("jobs: 1 to " + maxBatch + " requests, not " + n)
                        .asRuntimeException();
            }
            Caller caller = Caller.current();
            List<String> namespaces = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                SubmitJobRequest r = request.getJobs(i);
                String namespace = Namespaces.of(r.getNamespace(), "jobs[" + i + "].namespace");
                caller.require(Permission.SUBMIT, namespace);
                namespaces.add(namespace);
            }
            // all or none: the first refused request rolls back those before it, and says which it was
            List<JobStore.NewJob> batch = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                SubmitJobRequest r = request.getJobs(i);
                try {
                    JobSubmission.checkClientKey(r.getIdempotencyKey());
                    batch.add(submission.prepare(r.getSpec(), r.getIdempotencyKey(),
                            new JobStore.Origin(namespaces.get(i), caller.name())));
                } catch (StatusRuntimeException e) {
                    throw inBatch(i, e);
                }
            }
            List<JobStore.Submitted> submitted;
            try {
                submitted = tx.execute(status -> submission.submitAll(batch));
            } catch (JobStore.Refused e) {
                throw inBatch(e.index(), e.status());
            }
            submission.wake(submitted);
            SubmitJobsResponse.Builder out = SubmitJobsResponse.newBuilder();
            for (JobStore.Submitted s : submitted) {
                out.addJobs(SubmitJobResponse.newBuilder().setJob(s.job().toProto()).setCreated(s.created()));
            }
            return out.build();
        });
    }

    /** A batch's refusal names the request at fault. */
    private static StatusRuntimeException inBatch(int index, StatusRuntimeException e) {
        return e.getStatus().withDescription("jobs[" + index + "]: " + e.getStatus().getDescription()).asRuntimeException();
    }

    @Override
    public void getJob(GetJobRequest request, StreamObserver<Job> response) {
        UnaryResponse.send(response, () -> {
            JobRecord job = existing(request.getId(), Permission.READ);
            Job.Builder out = job.toProto().toBuilder();
            if (job.workerId() != null) {
                workers.find(job.workerId()).map(WorkerRecord::resourceId).ifPresent(out::setProviderResourceId);
            }
            return withCancelStatus(job, out.setWaitingReason(queue.waitingReason(job))).build();
        });
    }

    /** The job once terminal, or as it is after {@code withinMs}. */
    private JobRecord awaitEnd(UUID jobId, JobSignals.Subscription changes, long withinMs) {
        long deadline = System.currentTimeMillis() + withinMs;
        while (true) {
            long version = changes.version();
            JobRecord now = jobs.find(jobId).orElseThrow();
            long left = deadline - System.currentTimeMillis();
            if (now.state().isTerminal() || left <= 0) return now;
            try {
                changes.awaitChange(version, Math.min(left, FOLLOW_POLL_MS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return now;
            }
        }
    }

    private Job.Builder withCancelStatus(JobRecord job, Job.Builder out) {
        if (job.state() != JobState.RUNNING || job.cancelledBy() == null) return out;
        return out.setCancelStatus(commands.undelivered(job.id(), job.attempt())
                ? "kept for the agent, which is connected to no control plane: delivered when it reconnects (or the "
                        + "job is cancelled when its worker is declared lost)"
                : "sent to the agent, which stops the job and reports");
    }

    @Override
    public void getQueue(GetQueueRequest request, StreamObserver<Queue> response) {
        UnaryResponse.send(response, queue::queue);
    }

    @Override
    public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> response) {
        UnaryResponse.send(response, () -> {
            int size = PageSize.of(request.getPageSize());
            Instant afterTs = null;
            UUID afterId = null;
            if (!request.getPageToken().isEmpty()) {
                try {
                    String[] parts = new String(Base64.getUrlDecoder().decode(request.getPageToken()),
                            StandardCharsets.UTF_8).split("\\|");
                    afterTs = Instant.parse(parts[0]);
                    afterId = UUID.fromString(parts[1]);
                } catch (RuntimeException e) {
                    throw Status.INVALID_ARGUMENT.withDescription("page_token: not a token from ListJobs").asRuntimeException();
                }
            }
            if (request.getStatesList().contains(hodei.v1.JobState.UNRECOGNIZED)) {
                throw Status.INVALID_ARGUMENT.withDescription("states: not a job state").asRuntimeException();
            }
            List<String> filter = new ArrayList<>();
            Labels.check(request.getLabelsMap(), "labels", filter);
            if (!filter.isEmpty()) throw Status.INVALID_ARGUMENT.withDescription(ClientText.violations(filter)).asRuntimeException();
            // a set: a request repeating a state 100,000 times must not become 100,000 SQL parameters
            Set<JobState> states = request.getStatesList().stream()
                    .filter(s -> s != hodei.v1.JobState.JOB_STATE_UNSPECIFIED)
                    .map(JobState::fromProto).collect(Collectors.toCollection(() -> EnumSet.noneOf(JobState.class)));
            if (request.getTemplate().length() > 256) {
                throw Status.INVALID_ARGUMENT.withDescription("template: longer than 256 characters").asRuntimeException();
            }
            if (request.getText().length() > 256) {
                throw Status.INVALID_ARGUMENT.withDescription("text: longer than 256 characters").asRuntimeException();
            }
            List<String> namespaces = Caller.current().readable(request.getNamespace());
            List<JobRecord> page = jobs.list(new JobStore.ListQuery(states, request.getLabelsMap(), size + 1,
                    afterTs, afterId, namespaces, request.getTemplate(), request.getText().strip()));
            ListJobsResponse.Builder out = ListJobsResponse.newBuilder();
            page.stream().limit(size).forEach(j -> out.addJobs(j.toProto()));
            if (page.size() > size) {
                JobRecord last = page.get(size - 1);
                out.setNextPageToken(Base64.getUrlEncoder().withoutPadding().encodeToString(
                        (last.createdAt() + "|" + last.id()).getBytes(StandardCharsets.UTF_8)));
            }
            return out.build();
        });
    }

    @Override
    public void cancelJob(CancelJobRequest request, StreamObserver<Job> response) {
        UnaryResponse.send(response, () -> {
            JobRecord job = existing(request.getId(), Permission.SUBMIT);
            if (request.getReason().length() > 500) {
                throw Status.INVALID_ARGUMENT.withDescription("reason: longer than 500 characters").asRuntimeException();
            }
            JobRecord after;
            try (JobSignals.Subscription changes = signals.subscribe(job.id())) {
                routes.cancelJob(job.id(), request.getReason(), Caller.current().name());
                after = awaitEnd(job.id(), changes, CANCEL_ANSWER_WITHIN.toMillis());
            }
            return withCancelStatus(after, after.toProto().toBuilder()).build();
        });
    }

    @Override
    public void streamLogs(StreamLogsRequest request, StreamObserver<LogChunk> response) {
        UUID jobId;
        try {
            jobId = existing(request.getJobId(), Permission.READ).id();
        } catch (StatusRuntimeException e) {
            response.onError(e);
            return;
        }
        int attempt = request.getAttempt();
        if (attempt < 0) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("attempt: must be 0 (every attempt) or more")
                    .asRuntimeException());
            return;
        }
        FlowControl<LogChunk> out = new FlowControl<>((ServerCallStreamObserver<LogChunk>) response);
        FollowStreams.Lease lease = leaseOrError(response);
        if (lease == null) return;
        follow(lease, response, () -> out.run(() -> {
            long next = Math.max(1, request.getFromSequence());
            try (JobSignals.Subscription changes = signals.subscribe(jobId)) {
                while (!out.cancelled()) {
                    long version = changes.version();
                    // Logs are stored before the result that ends the job (or its attempt), so once
                    // that is seen, draining what is stored delivers everything.
                    JobRecord now = jobs.find(jobId).orElseThrow();
                    boolean ended = !request.getFollow() || now.state().isTerminal()
                            || (attempt > 0 && now.attempt() > attempt);
                    List<LogChunk> chunks;
                    do {
                        chunks = logs.read(jobId, next, LOG_PAGE, attempt);
                        for (LogChunk c : chunks) {
                            out.send(c);
                            next = c.getSequence() + 1;
                        }
                    } while (chunks.size() == LOG_PAGE && !out.cancelled());
                    if (ended) break;
                    changes.awaitChange(version, FOLLOW_POLL_MS);
                }
            }
        }));
    }

    private static void withLease(FollowStreams.Lease lease, Runnable stream) {
        try (lease) {
            stream.run();
        }
    }

    /** Runs the follow on a follower thread; a server stopping (no thread to be had) gives its place back and says so. */
    private void follow(FollowStreams.Lease lease, StreamObserver<?> response, Runnable stream) {
        try {
            followers.execute(() -> withLease(lease, stream));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            lease.close();
            response.onError(Status.UNAVAILABLE.withDescription("server shutting down").asRuntimeException());
        }
    }

    /** A place for one more following stream of the caller; null when refused (the error already sent). */
    private FollowStreams.Lease leaseOrError(StreamObserver<?> response) {
        try {
            return followStreams.open(Caller.current().name());
        } catch (StatusRuntimeException e) {
            response.onError(e);
            return null;
        }
    }

    @Override
    public void watchJob(WatchJobRequest request, StreamObserver<JobEvent> response) {
        UUID jobId;
        try {
            jobId = existing(request.getJobId(), Permission.READ).id();
        } catch (StatusRuntimeException e) {
            response.onError(e);
            return;
        }
        FlowControl<JobEvent> out = new FlowControl<>((ServerCallStreamObserver<JobEvent>) response);
        FollowStreams.Lease lease = leaseOrError(response);
        if (lease == null) return;
        follow(lease, response, () -> out.run(() -> {
            long after = 0;
            try (JobSignals.Subscription changes = signals.subscribe(jobId)) {
                while (!out.cancelled()) {
                    long version = changes.version();
                    boolean ended = request.getHistoryOnly() || jobs.find(jobId).orElseThrow().state().isTerminal();
                    for (JobStore.Event e : jobs.eventsAfter(jobId, after)) {
                        out.send(toProto(e));
                        after = e.id();
                    }
                    if (ended) break;
                    changes.awaitChange(version, FOLLOW_POLL_MS);
                }
            }
        }));
    }

    /** The job, if the caller may do {@code p} in its namespace. */
    private JobRecord existing(String id, Permission p) {
        JobRecord job = existing(id);
        Caller.current().require(p, job.namespace());
        return job;
    }

    private JobRecord existing(String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw Status.INVALID_ARGUMENT.withDescription("id: not a job id: " + ClientText.quote(id)).asRuntimeException();
        }
        return jobs.find(uuid).orElseThrow(() ->
                Status.NOT_FOUND.withDescription("no job " + id).asRuntimeException());
    }

    private static JobEvent toProto(JobStore.Event e) {
        JobEvent.Builder b = JobEvent.newBuilder()
                .setId(e.id())
                .setJobId(e.jobId().toString())
                .setToState(JobState.valueOf(e.toState()).toProto())
                .setAttempt(e.attempt())
                .setTime(ProtoTime.of(e.at()));
        if (e.fromState() != null) b.setFromState(JobState.valueOf(e.fromState()).toProto());
        if (e.reason() != null) b.setReason(e.reason());
        if (e.principal() != null) b.setPrincipal(e.principal());
        return b.build();
    }

    static String describe(JobSpec spec) {
        String cmd = spec.hasArgv() ? String.join(" ", spec.getArgv().getArgsList()) : spec.getShell();
        return cmd.length() > 60 ? cmd.substring(0, 57) + "..." : cmd;
    }

    private static final class FollowerThreads implements java.util.concurrent.ThreadFactory {
        private final AtomicInteger n = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "hodei-follower-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
