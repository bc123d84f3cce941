package dev.hodei.agent;

import hodei.v1.AgentMessage;
import hodei.v1.Heartbeat;
import hodei.v1.JobResult;
import hodei.v1.Register;
import hodei.v1.ServerMessage;
import hodei.v1.WorkerAgentServiceGrpc;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.net.InetAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** One agent's conversation with the control plane over its Connect stream. */
final class AgentSession implements MessageSink {

    private static final Object END = new Object();

    private final AgentConfig config;
    private final Channel channel;
    private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final Object writeLock = new Object();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "heartbeat");
        t.setDaemon(true);
        return t;
    });
    private volatile ClientCallStreamObserver<AgentMessage> requests;
    private volatile JobRun running;

    AgentSession(AgentConfig config, Channel channel) {
        this.config = config;
        this.channel = channel;
    }

    int run() {
        WorkerAgentServiceGrpc.newStub(channel).connect(new ClientResponseObserver<AgentMessage, ServerMessage>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<AgentMessage> stream) {
                requests = stream;
                stream.setOnReadyHandler(() -> {
                    synchronized (writeLock) {
                        writeLock.notifyAll();
                    }
                });
            }

            @Override
            public void onNext(ServerMessage message) {
                inbox.add(message);
            }

            @Override
            public void onError(Throwable t) {
                inbox.add(t);
            }

            @Override
            public void onCompleted() {
                inbox.add(END);
            }
        });
        send(AgentMessage.newBuilder().setRegister(Register.newBuilder()
                .setWorkerId(config.workerId())
                .setOtpToken(config.otpToken())
                .setAgentVersion(AgentMain.VERSION)
                .setHostname(hostname())).build());
        try {
            return loop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 4;
        } finally {
            heartbeats.shutdownNow();
            JobRun job = running;
            if (job != null) job.kill();
        }
    }

    private int loop() throws InterruptedException {
        while (true) {
            Object next = inbox.take();
            if (next instanceof Throwable t) {
                Status status = Status.fromThrowable(t);
                if (status.getCode() == Status.Code.UNAUTHENTICATED) {
                    log("registration refused by the control plane");
                    return 3;
                }
                log("connection lost: " + status.getCode() + " " + status.getDescription());
                return 4;
            }
            if (next == END) {
                log("the control plane closed the stream");
                return running == null ? 0 : 4;
            }
            ServerMessage m = (ServerMessage) next;
            switch (m.getKindCase()) {
                case REGISTERED -> {
                    long every = Math.max(200, m.getRegistered().getHeartbeatIntervalMs());
                    heartbeats.scheduleAtFixedRate(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
                }
                case RUN_JOB -> {
                    if (running != null) {
                        log("ignoring a second job while " + running.jobId() + " runs");
                        continue;
                    }
                    running = new JobRun(m.getRunJob(), this);
                    running.start();
                }
                case CANCEL -> {
                    JobRun job = running;
                    if (job != null && job.jobId().equals(m.getCancel().getJobId())) job.cancel();
                }
                case RESULT_ACK -> {
                    JobRun job = running;
                    if (job != null && job.jobId().equals(m.getResultAck().getJobId())) {
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

    /** Sends one message, waiting while the transport is not ready (bounded buffering). */
    @Override
    public void send(AgentMessage message) {
        synchronized (writeLock) {
            ClientCallStreamObserver<AgentMessage> stream = requests;
            try {
                while (!stream.isReady()) {
                    writeLock.wait(100);
                    if (inbox.stream().anyMatch(o -> o instanceof Throwable || o == END)) return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                stream.onNext(message);
            } catch (RuntimeException e) {
                log("send failed: " + e);
            }
        }
    }

    @Override
    public void result(JobResult result) {
        send(AgentMessage.newBuilder().setResult(result).build());
    }

    private void heartbeat() {
        JobRun job = running;
        send(AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder()
                .setJobId(job == null ? "" : job.jobId())).build());
    }

    private void closeStream() {
        synchronized (writeLock) {
            try {
                requests.onCompleted();
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
