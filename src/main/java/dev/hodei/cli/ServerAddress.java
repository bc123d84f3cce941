package dev.hodei.cli;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * Where the server is and how to prove who we are, shared by every client command. Each setting
 * comes from its option, else its environment variable, else the CLI context
 * ({@code ~/.hodei/config.yaml}); the token last from the local server's {@code admin.token},
 * and only for a server on this machine.
 */
public class ServerAddress {

    static final String DEFAULT_SERVER = "127.0.0.1:50051";

    @Option(names = {"-s", "--server"}, paramLabel = "HOST:PORT",
            description = "Control plane address (env HODEI_SERVER, the context's, else " + DEFAULT_SERVER + ")")
    public String address;

    @Option(names = "--token", paramLabel = "TOKEN", description = "API token (env HODEI_TOKEN, the context's, else "
            + "the local server's admin token when the server is on this machine)")
    String token;

    @Option(names = "--ca-file", paramLabel = "PEM", description = "CA that signed the server's certificate: "
            + "turns TLS on (env HODEI_CA_FILE, the context's)")
    Path caFile;

    @Option(names = "--client-cert", paramLabel = "PEM", description = "Client certificate for mTLS (with --client-key)")
    Path clientCert;

    @Option(names = "--client-key", paramLabel = "PEM", description = "Key of --client-cert")
    Path clientKey;

    @Option(names = "--context", description = "Context of ~/.hodei/config.yaml to use (default: its current-context)")
    String context;

    /** A resolved target: address, token (may be null), TLS files (may be null). */
    public record Target(String address, String token, Path caFile, Path clientCert, Path clientKey, String namespace) {}

    Target target() {
        ClientConfig.Context ctx = ClientConfig.load().context(context).orElse(new ClientConfig.Context());
        String server = first(address, System.getenv("HODEI_SERVER"), ctx.server, DEFAULT_SERVER);
        // a context's token and certificates are for its own server, never for one named otherwise
        if (ctx.server != null && !ctx.server.equals(server)) ctx = new ClientConfig.Context();
        Path ca = firstPath(caFile, System.getenv("HODEI_CA_FILE"), ctx.caFile);
        Path cert = firstPath(clientCert, null, ctx.clientCert);
        Path key = firstPath(clientKey, null, ctx.clientKey);
        String t = first(token, System.getenv("HODEI_TOKEN"), ctx.token, ctx.tokenFile == null ? null : read(Path.of(ctx.tokenFile)));
        if (t == null && isLocal(server)) t = localAdminToken();
        return new Target(server, t, ca, cert, key, ctx.namespace);
    }

    public ManagedChannel open() {
        return open(target());
    }

    public static ManagedChannel open(Target t) {
        return configure(NettyChannelBuilder.forTarget(t.address()), t).build();
    }

    private static NettyChannelBuilder configure(NettyChannelBuilder b, Target t) {
        if (t.caFile() != null || t.clientCert() != null || !isLocal(t.address())) {
            // beyond loopback always TLS (the system's trust store unless a CA is given): a token
            // must never cross a network in clear
            try {
                SslContextBuilder ssl = GrpcSslContexts.forClient();
                if (t.caFile() != null) ssl.trustManager(t.caFile().toFile());
                if (t.clientCert() != null) {
                    if (t.clientKey() == null) throw new IllegalArgumentException("--client-cert needs --client-key");
                    ssl.keyManager(t.clientCert().toFile(), t.clientKey().toFile());
                }
                b.sslContext(ssl.build());
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot use the TLS files (" + e.getMessage() + ")");
            }
        } else {
            b.usePlaintext();
        }
        if (t.token() != null) b.intercept(bearer(t.token()));
        return b;
    }

    static ClientInterceptor bearer(String token) {
        Metadata m = new Metadata();
        m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(m);
    }

    /**
     * Runs {@code call} on a channel to the server, closed afterwards with its own event loop. The
     * loop is stopped, not left to gRPC's shared one: the JVM's exit waits up to 300 ms for any
     * thread still in native code, and an idle event loop sits in {@code epoll_wait}. NIO, not
     * Netty's epoll: the native library would be unpacked to a temporary file on every call.
     */
    <T> T call(Function<ManagedChannel, T> call) {
        NioEventLoopGroup loop = new NioEventLoopGroup(1, new DefaultThreadFactory("hodei-cli", true));
        Target t = target();
        ManagedChannel channel = configure(NettyChannelBuilder.forTarget(t.address()), t)
                .eventLoopGroup(loop).channelType(NioSocketChannel.class).build();
        try {
            return call.apply(channel);
        } finally {
            channel.shutdownNow();
            try {
                channel.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
    }

    /** The namespace of a request: the option's, else the context's, else empty (the server's default). */
    String namespace(String option) {
        if (option != null && !option.isEmpty()) return option;
        String ns = target().namespace();
        return ns == null ? "" : ns;
    }

    /** A loopback IP literal or {@code localhost}: never a name a resolver could point elsewhere. */
    static boolean isLocal(String address) {
        String host = address.startsWith("[") ? address.substring(1, Math.max(1, address.indexOf(']')))
                : address.contains(":") ? address.substring(0, address.lastIndexOf(':')) : address;
        if (host.equals("localhost") || host.equals("::1")) return true;
        return IPV4_LOOPBACK.matcher(host).matches();
    }

    private static final java.util.regex.Pattern IPV4_LOOPBACK =
            java.util.regex.Pattern.compile("127(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    /** The token the server on this machine wrote for its user ({@code <home>/admin.token}). */
    static String localAdminToken() {
        String home = System.getenv("HODEI_HOME");
        Path dir = home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".hodei");
        return read(dir.resolve("admin.token"));
    }

    private static String read(Path file) {
        try {
            return Files.isReadable(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String first(String... values) {
        for (String v : values) if (v != null && !v.isBlank()) return v;
        return null;
    }

    private static Path firstPath(Path option, String env, String config) {
        if (option != null) return option;
        String v = first(env, config);
        return v == null ? null : Path.of(v);
    }
}
