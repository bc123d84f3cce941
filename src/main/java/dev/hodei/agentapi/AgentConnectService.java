package dev.hodei.agentapi;

import dev.hodei.cluster.Replicas;
import dev.hodei.jobs.JobLogStore;
import dev.hodei.routes.LifecycleRoutes;
import dev.hodei.server.HodeiProperties;
import dev.hodei.workers.AuthEvents;
import dev.hodei.workers.FailedRegistrations;
import dev.hodei.workers.JitRegistration;
import dev.hodei.workers.RegistrationRefused;
import dev.hodei.workers.WorkerGateway;
import dev.hodei.workers.WorkerStore;
import hodei.v1.AgentMessage;
import hodei.v1.Register;
import hodei.v1.Registered;
import hodei.v1.ServerMessage;
import hodei.v1.WorkerAgentServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import jakarta.annotation.PreDestroy;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The agents' side of the gRPC port. Registration is checked here, synchronously, because the
 * agent must hear "refused" on its own stream; everything after it goes to Camel routes:
 * {@code direct:worker-registered}, {@code direct:job-logs}, {@code direct:job-result}. Logs and
 * results are sent synchronously, in stream order, so every log line is stored before the result
 * that ends the job.
 *
 * <p>Before any credential is checked: a stream must register within
 * {@code hodei.workers.register-timeout}, and a peer address with too many failed registrations
 * in the window is refused at once ({@code RESOURCE_EXHAUSTED}, which agents retry with backoff).
 */
@Component
public class AgentConnectService extends WorkerAgentServiceGrpc.WorkerAgentServiceImplBase {

    private static final Logger log = LoggerFactory.getLogger(AgentConnectService.class);

    private final JitRegistration registration;
    private final WorkerStore workers;
    private final WorkerGateway gateway;
    private final LifecycleRoutes routes;
    private final HodeiProperties props;
    private final JobLogStore logs;
    private final FailedRegistrations failures;
    private final AuthEvents events;
    private final Replicas replicas;
    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "agent-register-timeout");
        t.setDaemon(true);
        return t;
    });

    public AgentConnectService(JitRegistration registration, WorkerStore workers, WorkerGateway gateway,
                               LifecycleRoutes routes, HodeiProperties props, JobLogStore logs,
                               FailedRegistrations failures, AuthEvents events, Replicas replicas) {
        this.replicas = replicas;
        this.logs = logs;
        this.failures = failures;
        this.events = events;
        timers.setRemoveOnCancelPolicy(true); // a registered stream's timeout is not kept until it would fire
        this.registration = registration;
        this.workers = workers;
        this.gateway = gateway;
        this.routes = routes;
        this.props = props;
    }

    @PreDestroy
    void stopTimers() {
        timers.shutdownNow();
    }

    /**
     * What failed registrations are counted by. Every local agent (process, Docker on host
     * networking) comes from loopback, so there a job guessing or stalling cannot spend the
     * budget of the others: loopback counts per claimed worker; other peers per address.
     */
    static String throttleKey(String peer, UUID claimedWorker) {
        boolean loopback = peer.startsWith("127.") || peer.equals("::1") || peer.equals("0:0:0:0:0:0:0:1");
        return loopback ? peer + "/" + claimedWorker : peer;
    }

    @Override
    public StreamObserver<AgentMessage> connect(StreamObserver<ServerMessage> stream) {
        return new AgentStream(stream, PeerAddress.current());
    }

    private final class AgentStream implements StreamObserver<AgentMessage> {
        private final StreamObserver<ServerMessage> stream;
        private final String peer;
        private final ScheduledFuture<?> registerTimeout;
        private volatile UUID workerId;

        AgentStream(StreamObserver<ServerMessage> stream, String peer) {
            this.stream = stream;
            this.peer = peer;
            long timeout = props.workers().registerTimeout().toMillis();
            this.registerTimeout = timers.schedule(this::registerTimedOut, timeout, TimeUnit.MILLISECONDS);
        }

        private void registerTimedOut() {
            if (workerId != null) return;
            failures.failed(throttleKey(peer, null));
            events.record(null, "registration-timeout", "peer " + peer + ": no registration within "
                    + props.workers().registerTimeout().toMillis() + " ms");
            WorkerGateway.fail(stream, Status.DEADLINE_EXCEEDED.withDescription("register first"));
        }

        @Override
        public void onNext(AgentMessage message) {
            if (message.hasRegister()) {
                register(message.getRegister());
                return;
            }
            if (workerId == null) {
                stream.onError(Status.FAILED_PRECONDITION.withDescription("register first").asRuntimeException());
                return;
            }
            try {
                switch (message.getKindCase()) {
                    case HEARTBEAT -> workers.heartbeat(workerId); // not a lifecycle step: kept out of the routes
                    case LOGS -> routes.jobLogs(workerId, message.getLogs());
                    case RESULT -> routes.jobResult(workerId, message.getResult());
                    default -> { }
                }
            } catch (RuntimeException e) {
                // Not stored even after the routes' redeliveries: drop the stream. The agent
                // reconnects, learns what is stored, and resends the rest; nothing is lost.
                log.error("Handling {} from worker {} failed; closing its stream so it resends", message.getKindCase(),
                        workerId, e);
                gateway.detach(workerId, stream);
                WorkerGateway.fail(stream, Status.UNAVAILABLE.withDescription("try again"));
            }
        }

        private void register(Register r) {
            registerTimeout.cancel(false); // it did register in time, whatever the answer
            UUID claimed = parse(r.getWorkerId());
            if (failures.blocked(throttleKey(peer, claimed))) {
                // answered from memory: a peer guessing tokens costs the database nothing
                events.record(claimed, "registration-throttled", "peer " + peer + ": too many failed registrations");
                stream.onError(Status.RESOURCE_EXHAUSTED.withDescription("too many failed registrations; try later")
                        .asRuntimeException());
                return;
            }
            if (claimed == null) {
                failures.failed(throttleKey(peer, null));
                events.record(null, "registration-refused", "peer " + peer + ": not a worker id");
                stream.onError(Status.UNAUTHENTICATED.withDescription("registration refused").asRuntimeException());
                return;
            }
            UUID id = claimed;
            JitRegistration.Registration accepted;
            try {
                accepted = switch (r.getCredentialCase()) {
                    case OTP_TOKEN -> registration.withOtp(id, r.getOtpToken());
                    case SESSION_TOKEN -> registration.withSession(id, r.getSessionToken());
                    default -> throw new RegistrationRefused("no credential");
                };
            } catch (RegistrationRefused e) {
                // The agent learns only that it was refused; the reason is in auth_events.
                failures.failed(throttleKey(peer, id));
                stream.onError(Status.UNAUTHENTICATED.withDescription("registration refused").asRuntimeException());
                return;
            } catch (RuntimeException e) {
                // e.g. the database is away: nothing was consumed, the agent may try again
                log.warn("Cannot register worker {} now: {}", id, e.toString());
                stream.onError(Status.UNAVAILABLE.withDescription("cannot register now").asRuntimeException());
                return;
            }
            workerId = id;
            gateway.attach(id, stream);
            workers.connectedTo(id, replicas.id());
            gateway.send(id, ServerMessage.newBuilder().setRegistered(Registered.newBuilder()
                    .setWorkerId(id.toString())
                    .setSessionToken(accepted.sessionToken())
                    .setHeartbeatIntervalMs((int) props.workers().heartbeatInterval().toMillis())
                    .setReconnectWindowMs((int) props.workers().agentReconnectWindow().toMillis())
                    // a resumed agent resends the output the server does not have yet
                    .setLogsStored(accepted.resumed() && accepted.jobId() != null ? logs.chunksStored(accepted.jobId(), id) : 0))
                    .build());
            if (accepted.jobId() == null) {
                // a warm worker: it waits on its stream until a job takes it (route provision-worker)
                log.info("Warm worker {} registered{}", id, accepted.resumed() ? " (resumed)" : "");
                return;
            }
            log.info("Worker {} registered for job {}{}", id, accepted.jobId(), accepted.resumed() ? " (resumed)" : "");
            if (!accepted.resumed()) {
                routes.workerRegistered(id, accepted.jobId());
            } else {
                // the job and any cancel it may have missed, again (route worker-resumed)
                routes.workerResumed(id, accepted.jobId());
            }
        }

        @Override
        public void onError(Throwable t) {
            log.debug("Stream of worker {} from {} ended: {}", workerId, peer, Status.fromThrowable(t));
            closed();
        }

        @Override
        public void onCompleted() {
            closed();
            WorkerGateway.complete(stream);
        }

        private void closed() {
            registerTimeout.cancel(false);
            // A dropped stream is not a failure by itself: the heartbeat deadline decides (route reap-workers).
            if (workerId != null && gateway.detach(workerId, stream)) {
                try {
                    workers.disconnectedFrom(workerId, replicas.id());
                } catch (RuntimeException e) {
                    log.debug("Could not record that worker {} disconnected: {}", workerId, e.toString());
                }
            }
        }
    }

    private static UUID parse(String workerId) {
        try {
            return UUID.fromString(workerId);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
