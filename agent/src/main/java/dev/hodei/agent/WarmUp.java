package dev.hodei.agent;

import hodei.v1.Ack;
import hodei.v1.AgentMessage;
import hodei.v1.JobSpec;
import hodei.v1.Registered;
import hodei.v1.RunJob;
import hodei.v1.ServerMessage;
import hodei.v1.WorkerAgentServiceGrpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.okhttp.OkHttpServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;

/**
 * {@code --warm-up}: one whole agent conversation against a stand-in control plane on loopback
 * (register, run a shell job, stream its output, report, be acknowledged), so that an image
 * build or the process provider can record a class-data archive of exactly what a real run loads.
 */
final class WarmUp {

    private WarmUp() {}

    static void run() {
        Server server;
        try {
            server = OkHttpServerBuilder.forPort(0, InsecureServerCredentials.create()).addService(new StandIn()).build().start();
        } catch (IOException e) {
            AgentSession.log("warm-up: " + e.getMessage());
            return;
        }
        String address = "127.0.0.1:" + server.getPort();
        try {
            new AgentSession(new AgentConfig(address, "00000000-0000-0000-0000-000000000000", "warm-up", "warm-up", true, null),
                    () -> ServerChannel.channel(address, InsecureChannelCredentials.create())).run();
        } finally {
            server.shutdownNow();
        }
    }

    /** Registers the agent, gives it one job, acknowledges its result. */
    private static final class StandIn extends WorkerAgentServiceGrpc.WorkerAgentServiceImplBase {
        @Override
        public StreamObserver<AgentMessage> connect(StreamObserver<ServerMessage> agent) {
            return new StreamObserver<>() {
                @Override
                public void onNext(AgentMessage m) {
                    if (m.hasRegister()) {
                        agent.onNext(ServerMessage.newBuilder().setRegistered(Registered.newBuilder()
                                .setWorkerId(m.getRegister().getWorkerId()).setSessionToken("warm-up")
                                .setHeartbeatIntervalMs(1000)).build());
                        agent.onNext(ServerMessage.newBuilder().setRunJob(RunJob.newBuilder().setJobId("warm-up")
                                .setAttempt(1).setRunTimeoutSeconds(10)
                                .setSpec(JobSpec.newBuilder().setShell("echo out; echo err >&2"))).build());
                    } else if (m.hasResult()) {
                        agent.onNext(ServerMessage.newBuilder().setResultAck(Ack.newBuilder()
                                .setJobId(m.getResult().getJobId()).setAttempt(m.getResult().getAttempt())).build());
                    }
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    agent.onCompleted();
                }
            };
        }
    }
}
