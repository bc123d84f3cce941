package dev.hodei.agent;

import hodei.v1.AgentMessage;
import hodei.v1.JobResult;
import hodei.v1.JobSpec;
import hodei.v1.RunJob;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code --warm-up}: touches the code paths of a real run (gRPC stream to an address where
 * nobody listens, a shell job) so that an image build can record a class-data archive of them.
 */
final class WarmUp {

    private WarmUp() {}

    static void run() {
        ManagedChannel channel = ManagedChannelBuilder.forTarget("127.0.0.1:1").usePlaintext().build();
        try {
            new AgentSession(new AgentConfig("127.0.0.1:1", "00000000-0000-0000-0000-000000000000", "",
                    "warm-up", true), channel).run();
        } finally {
            channel.shutdownNow();
        }
        CompletableFuture<JobResult> done = new CompletableFuture<>();
        new JobRun(RunJob.newBuilder().setJobId("warm-up").setRunTimeoutSeconds(10)
                .setSpec(JobSpec.newBuilder().setShell("echo warm")).build(), new MessageSink() {
                    @Override
                    public void send(AgentMessage message) {
                        message.toByteArray();
                    }

                    @Override
                    public void result(JobResult result) {
                        done.complete(result);
                    }
                }).start();
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            AgentSession.log("warm-up job: " + e);
        }
    }
}
