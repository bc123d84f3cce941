package dev.hodei.agent;

import hodei.v1.AgentMessage;
import hodei.v1.Heartbeat;
import hodei.v1.JobResult;
import hodei.v1.LogBatch;
import hodei.v1.LogChunk;
import hodei.v1.Register;
import hodei.v1.ServerMessage;
import hodei.v1.WorkerAgentServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One agent's conversation with the control plane. If the stream breaks after registration, the
 * agent keeps its job running and reconnects with its session token (exponential backoff, within
 * the window the server gave); then it resends the output the server reports missing and the
 * result the server has not acknowledged. The server skips what it already has, so nothing is
 * lost and nothing is recorded twice.
 */
final class AgentSession implements MessageSink {

    private static final Object END = new Object();
    /** Output kept after sending, to resend after a reconnect. */
    static final long HISTORY_BYTES = 8L * 1024 * 1024;

    private record Event(int generation, Object payload) {}

    private final AgentConfig config;
    private final Supplier<ManagedChannel> channels;
    private volatile ManagedChannel channel;
    private int failedAttempts;
    private final BlockingQueue<Event> inbox = new LinkedBlockingQueue<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "agent-timers");
        t.setDaemon(true);
        return t;
    });

    // guarded by lock
    private final Object lock = new Object();
    private ClientCallStreamObserver<AgentMessage> stream;
    private int generation;
    private boolean open; // registered (and resends done): other threads may write
    private boolean closed;
    private JobResult pendingResult;
    private final ArrayDeque<LogChunk> history = new ArrayDeque<>();
    private long historyFirst;
    private long historyBytes;
    private long nextChunk;

    private volatile String sessionToken;
    private volatile long reconnectWindowMs = 300_000;
    private volatile JobRun running;
    private boolean heartbeating;
    private long disconnectedAt;
    private long backoffMs;
    private volatile boolean reconnectPending;

    AgentSession(AgentConfig config, Supplier<ManagedChannel> channels) {
        this.config = config;
        this.channels = channels;
        this.channel = channels.get();
    }

    int run() {
        connect(Register.newBuilder().setOtpToken(config.otpToken()));
        try {
            return loop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 4;
        } finally {
            synchronized (lock) {
                closed = true;
                lock.notifyAll();
            }
            timers.shutdownNow();
            channel.shutdownNow();
            JobRun job = running;
            if (job != null) job.kill();
        }
    }

    private int loop() throws InterruptedException {
        while (true) {
            Event event = inbox.take();
            synchronized (lock) {
                if (event.generation() != generation) continue; // from a stream already replaced
            }
            Object next = event.payload();
            if (next instanceof Throwable || next == END) {
                Status status = next == END ? Status.UNAVAILABLE.withDescription("stream closed by the control plane")
                        : Status.fromThrowable((Throwable) next);
                synchronized (lock) {
                    open = false;
                    stream = null;
                }
                if (status.getCode() == Status.Code.UNAUTHENTICATED) {
                    log("registration refused by the control plane");
                    return 3;
                }
                String tls = next instanceof Throwable t ? ServerChannel.tlsProblem(t) : null;
                if (tls != null) {
                    log("TLS handshake with " + config.serverAddress() + " failed: " + tls + "; the server's certificate "
                            + "does not verify against the CA given in HODEI_SERVER_CA_FILE / HODEI_SERVER_CA (or does "
                            + "not name that address)");
                    return 5;
                }
                if (!scheduleReconnect(status)) return 4;
                continue;
            }
            ServerMessage m = (ServerMessage) next;
            switch (m.getKindCase()) {
                case REGISTERED -> registered(m);
                case RUN_JOB -> {
                    JobRun job = running;
                    if (job != null) {
                        if (!job.jobId().equals(m.getRunJob().getJobId())) log("ignoring a second job while " + job.jobId() + " runs");
                        continue;
                    }
                    synchronized (lock) {
                        history.clear();
                        historyFirst = 0;
                        historyBytes = 0;
                        nextChunk = 0;
                    }
                    // a pooled agent runs job after job: each gets a workspace of its own, removed after it
                    running = new JobRun(m.getRunJob(), this, JobLauncher.fromEnvironment(), !config.ephemeral());
                    running.start();
                }
                case CANCEL -> {
                    JobRun job = running;
                    if (job != null && job.jobId().equals(m.getCancel().getJobId())) job.cancel();
                }
                case RESULT_ACK -> {
                    JobRun job = running;
                    if (job != null && job.jobId().equals(m.getResultAck().getJobId())) {
                        synchronized (lock) {
                            pendingResult = null;
                        }
                        running = null;
                        if (config.ephemeral()) {
                            closeStream();
                            return 0;
                        }
                    }
                }
                case SHUTDOWN -> {
                    log("shutdown requested: " + m.getShutdown().getReason());
                    closeStream();
                    return 0;
                }
                default -> { }
            }
        }
    }

    private void registered(ServerMessage m) {
        boolean resumed = sessionToken != null;
        sessionToken = m.getRegistered().getSessionToken();
        if (m.getRegistered().getReconnectWindowMs() > 0) reconnectWindowMs = m.getRegistered().getReconnectWindowMs();
        if (!heartbeating) {
            heartbeating = true;
            long every = Math.max(200, m.getRegistered().getHeartbeatIntervalMs());
            timers.scheduleAtFixedRate(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
        }
        synchronized (lock) {
            if (!resumed) {
                // the session is ours from here: a control plane lost after this line finds us again
                log("registered as worker " + config.workerId());
            } else {
                log("reconnected; resending output from chunk " + m.getRegistered().getLogsStored());
                resendFrom(m.getRegistered().getLogsStored());
                if (pendingResult != null) write(AgentMessage.newBuilder().setResult(pendingResult).build());
            }
            disconnectedAt = 0;
            failedAttempts = 0;
            open = true;
            lock.notifyAll();
        }
    }

    /** Schedules the next attempt with the session; false when the reconnect window is spent. */
    private boolean scheduleReconnect(Status status) {
        long now = System.currentTimeMillis();
        if (disconnectedAt == 0) {
            disconnectedAt = now;
            backoffMs = 200;
        }
        // before registration the server has told no window: the start deadline is the bound
        long window = sessionToken == null ? Math.min(reconnectWindowMs, 60_000) : reconnectWindowMs;
        if (now - disconnectedAt > window) {
            log("could not reach the control plane within " + window + " ms; giving up");
            return false;
        }
        if (reconnectPending) return true; // one reconnect at a time: a second would close the first's channel
        reconnectPending = true;
        log("connection to " + channel.authority() + " lost (" + status.getCode()
                + (status.getDescription() == null ? "" : ": " + status.getDescription())
                + (status.getCause() == null ? "" : ", " + status.getCause()) + "); reconnecting in "
                + backoffMs + " ms");
        // Before registering, the OTP is still unused (the server consumes it in the same
        // statement that accepts it), so it may be presented again; afterwards, the session.
        String session = sessionToken;
        // several addresses (replicas): the next one at once; one: a new channel now and then
        boolean freshChannel = ++failedAttempts % 3 == 0 || config.serverAddresses().size() > 1;
        timers.schedule(() -> {
            if (freshChannel) {
                // a channel can stay in TRANSIENT_FAILURE after a long outage: start over with a new one
                ManagedChannel old = channel;
                channel = channels.get();
                old.shutdownNow();
            }
            channel.resetConnectBackoff();
            reconnectPending = false;
            connect(session == null ? Register.newBuilder().setOtpToken(config.otpToken())
                    : Register.newBuilder().setSessionToken(session));
        }, backoffMs, TimeUnit.MILLISECONDS);
        backoffMs = Math.min(backoffMs * 2, 5000);
        return true;
    }

    /** Opens a new stream and registers on it; what comes back is tagged with the stream's generation. */
    private void connect(Register.Builder credential) {
        int gen;
        synchronized (lock) {
            gen = ++generation;
            open = false;
            stream = null;
        }
        WorkerAgentServiceGrpc.newStub(channel).connect(new ClientResponseObserver<AgentMessage, ServerMessage>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<AgentMessage> s) {
                synchronized (lock) {
                    if (gen == generation) stream = s;
                }
                s.setOnReadyHandler(() -> {
                    synchronized (lock) {
                        lock.notifyAll();
                    }
                });
            }

            @Override
            public void onNext(ServerMessage message) {
                inbox.add(new Event(gen, message));
            }

            @Override
            public void onError(Throwable t) {
                inbox.add(new Event(gen, t));
            }

            @Override
            public void onCompleted() {
                inbox.add(new Event(gen, END));
            }
        });
        synchronized (lock) {
            if (gen == generation) {
                write(AgentMessage.newBuilder().setRegister(credential.setWorkerId(config.workerId())
                        .setAgentVersion(AgentMain.VERSION).setHostname(hostname())).build());
            }
        }
    }

    @Override
    public void logs(String jobId, int attempt, List<LogChunk> chunks) {
        long first;
        synchronized (lock) {
            first = nextChunk;
            nextChunk += chunks.size();
            for (LogChunk c : chunks) {
                history.addLast(c);
                historyBytes += c.getData().size();
            }
            while (historyBytes > HISTORY_BYTES && !history.isEmpty()) {
                historyBytes -= history.removeFirst().getData().size();
                historyFirst++;
            }
        }
        send(AgentMessage.newBuilder().setLogs(LogBatch.newBuilder().setJobId(jobId).setAttempt(attempt)
                .setFirstChunk(first).addAllChunks(chunks)).build());
    }

    @Override
    public void result(JobResult result) {
        synchronized (lock) {
            pendingResult = result;
        }
        send(AgentMessage.newBuilder().setResult(result).build());
    }

    /** Sends once registered and the transport is ready; across a reconnect it waits (bounded buffering). */
    private void send(AgentMessage message) {
        synchronized (lock) {
            try {
                while (!closed && !(open && stream != null && stream.isReady())) lock.wait(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!closed) write(message);
        }
    }

    // holds lock
    private void resendFrom(long stored) {
        JobRun job = running;
        if (job == null || stored >= nextChunk) return;
        if (stored < historyFirst) log("output chunks " + stored + ".." + (historyFirst - 1) + " are no longer kept; not resent");
        long index = historyFirst;
        List<LogChunk> batch = new java.util.ArrayList<>();
        long batchFirst = -1;
        int bytes = 0;
        for (LogChunk c : history) {
            if (index >= stored) {
                if (batchFirst < 0) batchFirst = index;
                batch.add(c);
                bytes += c.getData().size();
                if (bytes >= JobRun.MAX_BATCH_BYTES) {
                    write(resendBatch(job, batchFirst, batch));
                    batch = new java.util.ArrayList<>();
                    batchFirst = -1;
                    bytes = 0;
                }
            }
            index++;
        }
        if (!batch.isEmpty()) write(resendBatch(job, batchFirst, batch));
    }

    private static AgentMessage resendBatch(JobRun job, long first, List<LogChunk> chunks) {
        return AgentMessage.newBuilder().setLogs(LogBatch.newBuilder().setJobId(job.jobId()).setAttempt(job.attempt())
                .setFirstChunk(first).addAllChunks(chunks)).build();
    }

    // holds lock
    private void write(AgentMessage message) {
        if (stream == null) return;
        try {
            stream.onNext(message);
        } catch (RuntimeException e) {
            log("send failed: " + e);
        }
    }

    private void heartbeat() {
        JobRun job = running;
        synchronized (lock) {
            if (open && stream != null) write(AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder()
                    .setJobId(job == null ? "" : job.jobId())).build());
        }
    }

    private void closeStream() {
        synchronized (lock) {
            try {
                if (stream != null) stream.onCompleted();
            } catch (RuntimeException ignored) {
                // already closed
            }
        }
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "";
        }
    }

    static void log(String message) {
        System.err.println("hodei-agent: " + message);
    }
}
