package dev.hodei.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import hodei.v1.GetJobRequest;
import hodei.v1.Job;
import hodei.v1.JobServiceGrpc;
import hodei.v1.JobSpec;
import hodei.v1.JobState;
import hodei.v1.ListJobsRequest;
import hodei.v1.ListJobsResponse;
import hodei.v1.LogChunk;
import hodei.v1.LogStream;
import hodei.v1.StreamLogsRequest;
import hodei.v1.SubmitJobRequest;
import hodei.v1.SubmitJobResponse;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import picocli.CommandLine;

/**
 * The build's training run for the client's class-data-sharing archive
 * ({@code -XX:DumpLoadedClassList}, then {@code -Xshare:dump}): every command's help, and the common commands against a
 * stand-in job service on a loopback port of this JVM, so that the archive holds the classes a real
 * call loads (picocli, gRPC and Netty, the wire contract, the printing). Nothing leaves the machine.
 */
final class ClassArchiveTraining {

    private ClassArchiveTraining() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        HodeiCli.shortLivedNetty(); // as a real call runs, so the archive holds what it loads
        String id = "00000000-0000-0000-0000-000000000000";
        Server standIn = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(new StandInJobs(id)).build().start();
        String server = "127.0.0.1:" + standIn.getPort();
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        System.setOut(nowhere);
        System.setErr(nowhere);
        String[][] calls = {
                {"--help"}, {"--version"},
                {"run", "-s", server, "--token", "training", "--", "true"},
                {"job", "get", "-s", server, "--token", "training", id},
                {"job", "describe", "-s", server, "--token", "training", id},
                {"job", "list", "-s", server, "--token", "training"},
                {"job", "logs", "-s", server, "--token", "training", id},
                {"queue", "-s", server, "--token", "training"},
                {"template", "list", "-s", server, "--token", "training"},
        };
        for (String[] call : calls) run(call);
        standIn.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        CommandLine root = HodeiCli.commandLine(ServerJar.standIns());
        for (CommandLine sub : root.getSubcommands().values()) {
            sub.usage(nowhere);
            for (CommandLine leaf : sub.getSubcommands().values()) leaf.usage(nowhere);
        }
    }

    private static void run(String... args) {
        CommandLine cli = HodeiCli.commandLine(ServerJar.standIns(args), args);
        cli.setOut(new PrintWriter(OutputStream.nullOutputStream()));
        cli.setErr(new PrintWriter(OutputStream.nullOutputStream()));
        cli.execute(args);
    }

    /** Answers as a control plane would for one finished job; every other call is UNIMPLEMENTED. */
    private static final class StandInJobs extends JobServiceGrpc.JobServiceImplBase {
        private final Job job;

        StandInJobs(String id) {
            Timestamp now = Timestamp.newBuilder().setSeconds(System.currentTimeMillis() / 1000).build();
            job = Job.newBuilder().setId(id).setSpec(JobSpec.newBuilder().setShell("true")).setState(JobState.JOB_STATE_SUCCEEDED)
                    .setAttempt(1).setExitCode(0).setProvider("process").setNamespace("default")
                    .setCreatedAt(now).setStartedAt(now).setFinishedAt(now).build();
        }

        @Override
        public void submitJob(SubmitJobRequest request, StreamObserver<SubmitJobResponse> response) {
            response.onNext(SubmitJobResponse.newBuilder().setJob(job).setCreated(true).build());
            response.onCompleted();
        }

        @Override
        public void getJob(GetJobRequest request, StreamObserver<Job> response) {
            response.onNext(job);
            response.onCompleted();
        }

        @Override
        public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> response) {
            response.onNext(ListJobsResponse.newBuilder().addJobs(job).build());
            response.onCompleted();
        }

        @Override
        public void streamLogs(StreamLogsRequest request, StreamObserver<LogChunk> response) {
            response.onNext(LogChunk.newBuilder().setSequence(1).setStream(LogStream.LOG_STREAM_STDOUT).setAttempt(1)
                    .setData(ByteString.copyFromUtf8("training\n")).build());
            response.onCompleted();
        }
    }
}
