package dev.hodei.testing;

import hodei.v1.AgentMessage;
import hodei.v1.Register;
import hodei.v1.ServerMessage;
import hodei.v1.WorkerAgentServiceGrpc;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** An agent stream driven by hand: what a misbehaving or guessing peer sends. */
public final class RawAgent {

    private RawAgent() {}

    /** Registers over a fresh stream and returns how the server answered. */
    public static Status.Code register(Channel channel, UUID workerId, String otp) {
        CompletableFuture<Status.Code> answer = new CompletableFuture<>();
        StreamObserver<AgentMessage> requests = WorkerAgentServiceGrpc.newStub(channel).connect(observer(answer));
        requests.onNext(AgentMessage.newBuilder().setRegister(Register.newBuilder()
                .setWorkerId(workerId.toString()).setOtpToken(otp)).build());
        try {
            return answer.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no answer to the registration", e);
        } finally {
            requests.onCompleted();
        }
    }

    /** Opens a stream and sends nothing; the future completes with how the server ended it. */
    public static CompletableFuture<Status> silent(Channel channel) {
        CompletableFuture<Status> ended = new CompletableFuture<>();
        WorkerAgentServiceGrpc.newStub(channel).connect(new StreamObserver<>() {
            @Override
            public void onNext(ServerMessage m) {
            }

            @Override
            public void onError(Throwable t) {
                ended.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                ended.complete(Status.OK);
            }
        });
        return ended;
    }

    private static StreamObserver<ServerMessage> observer(CompletableFuture<Status.Code> answer) {
        return new StreamObserver<>() {
            @Override
            public void onNext(ServerMessage m) {
                if (m.hasRegistered()) answer.complete(Status.Code.OK);
            }

            @Override
            public void onError(Throwable t) {
                answer.complete(Status.fromThrowable(t).getCode());
            }

            @Override
            public void onCompleted() {
                answer.complete(Status.Code.OK);
            }
        };
    }
}
