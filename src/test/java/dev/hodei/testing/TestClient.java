package dev.hodei.testing;

import hodei.v1.GetJobRequest;
import hodei.v1.Job;
import hodei.v1.JobEvent;
import hodei.v1.JobServiceGrpc;
import hodei.v1.JobSpec;
import hodei.v1.LogChunk;
import hodei.v1.StreamLogsRequest;
import hodei.v1.SubmitJobRequest;
import hodei.v1.TemplateServiceGrpc;
import hodei.v1.WatchJobRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/** A gRPC client of the control plane under test. */
public final class TestClient implements AutoCloseable {

    private final ManagedChannel channel;
    private final JobServiceGrpc.JobServiceBlockingStub jobs;
    private final TemplateServiceGrpc.TemplateServiceBlockingStub templates;

    /** With the admin token of the control plane on {@code port} ({@link TestTokens}). */
    public TestClient(int port) {
        this(port, TestTokens.adminOf(port));
    }

    /** With this bearer token; null = none. */
    public TestClient(int port, String token) {
        this(withToken(ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext(), token).build());
    }

    private TestClient(ManagedChannel channel) {
        this.channel = channel;
        jobs = JobServiceGrpc.newBlockingStub(channel);
        templates = TemplateServiceGrpc.newBlockingStub(channel);
    }

    /** A client speaking TLS to 127.0.0.1, verifying the server against the PEM CA {@code ca}, with its admin token. */
    public static TestClient tls(int port, Path ca) {
        try {
            return new TestClient(withToken(NettyChannelBuilder.forAddress("127.0.0.1", port)
                    .sslContext(GrpcSslContexts.forClient().trustManager(ca.toFile()).build()), TestTokens.adminOf(port))
                    .build());
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** TLS with the test CA's client certificate (mTLS), with the admin token. */
    public static TestClient mtls(int port, TestTls tls) {
        try {
            return new TestClient(withToken(NettyChannelBuilder.forAddress("127.0.0.1", port)
                    .sslContext(GrpcSslContexts.forClient().trustManager(tls.ca().toFile())
                            .keyManager(tls.clientCert().toFile(), tls.clientKey().toFile()).build()),
                    TestTokens.adminOf(port)).build());
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ManagedChannelBuilder<?> withToken(ManagedChannelBuilder<?> b, String token) {
        return token == null ? b : b.intercept(bearer(token));
    }

    public static io.grpc.ClientInterceptor bearer(String token) {
        io.grpc.Metadata m = new io.grpc.Metadata();
        m.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(m);
    }

    public TemplateServiceGrpc.TemplateServiceBlockingStub templates() {
        return templates.withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    public hodei.v1.TokenServiceGrpc.TokenServiceBlockingStub tokens() {
        return hodei.v1.TokenServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    public hodei.v1.AuditServiceGrpc.AuditServiceBlockingStub audit() {
        return hodei.v1.AuditServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    public ManagedChannel channel() {
        return channel;
    }

    public JobServiceGrpc.JobServiceBlockingStub jobs() {
        return jobs.withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    public Job submit(String shell) {
        return submit(JobSpec.newBuilder().setShell(shell).build());
    }

    public Job submit(JobSpec spec) {
        return jobs().submitJob(SubmitJobRequest.newBuilder().setSpec(spec).build()).getJob();
    }

    public Job submit(JobSpecs spec) {
        return submit(spec.build());
    }

    /** Follows the job's events until it is terminal (WatchJob ends then) and returns the job. */
    public Job awaitEnd(String jobId) {
        events(jobId);
        return get(jobId);
    }

    public List<JobEvent> events(String jobId) {
        List<JobEvent> events = new ArrayList<>();
        jobs().watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build()).forEachRemaining(events::add);
        return events;
    }

    public Job get(String jobId) {
        return jobs().getJob(GetJobRequest.newBuilder().setId(jobId).build());
    }

    /** Every chunk, following until the job ends. */
    public List<LogChunk> logs(String jobId) {
        List<LogChunk> chunks = new ArrayList<>();
        jobs().streamLogs(StreamLogsRequest.newBuilder().setJobId(jobId).setFollow(true).build())
                .forEachRemaining(chunks::add);
        return chunks;
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
