package dev.hodei.server;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The one gRPC port for clients ({@code JobService}, {@code TemplateService}, ...) and agents
 * ({@code WorkerAgentService}). Plain grpc-java rather than camel-grpc: agent streams are
 * long-lived and the server must push to a chosen worker. Loopback unless configured otherwise,
 * and never beyond loopback without TLS.
 */
@Component
public class GrpcServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GrpcServer.class);

    private final HodeiProperties props;
    private final GrpcEndpoint endpoint;
    private final ObjectProvider<BindableService> services;
    private final ObjectProvider<ServerInterceptor> interceptors;
    private volatile Server server;

    public GrpcServer(HodeiProperties props, GrpcEndpoint endpoint, ObjectProvider<BindableService> services,
                      ObjectProvider<ServerInterceptor> interceptors) {
        this.props = props;
        this.endpoint = endpoint;
        this.services = services;
        this.interceptors = interceptors;
    }

    @Override
    public void start() {
        HodeiProperties.Grpc grpc = props.grpc();
        InetAddress address = endpoint.listenAddress();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(address, grpc.port()))
                .maxInboundMessageSize(grpc.maxInboundMessageBytes())
                .maxInboundMetadataSize(16 * 1024)
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true);
        if (grpc.tls().enabled()) builder.sslContext(sslContext(grpc.tls()));
        services.orderedStream().forEach(builder::addService);
        interceptInOrder(builder, interceptors);
        try {
            server = builder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for gRPC on " + address.getHostAddress() + ":" + grpc.port(), e);
        }
        endpoint.bound(server.getPort());
        log.info("gRPC listening on {}:{}{}", address.getHostAddress(), server.getPort(),
                grpc.tls().enabled() ? " (TLS" + (grpc.tls().clientCaFile().isBlank() ? ")" : ", client certificates required "
                        + "of API clients)")
                        : " (plaintext, loopback only)");
    }

    /** The interceptors, run in their {@code @Order} (the dashboard's in-process server uses the same chain). */
    public static void interceptInOrder(io.grpc.ServerBuilder<?> builder, ObjectProvider<ServerInterceptor> interceptors) {
        // intercept() wraps: the last one added runs first, so add in reverse of the wanted order
        java.util.List<ServerInterceptor> chain = new java.util.ArrayList<>(interceptors.orderedStream().toList());
        java.util.Collections.reverse(chain);
        chain.forEach(builder::intercept);
    }

    private static SslContext sslContext(HodeiProperties.Tls tls) {
        if (tls.keyFile().isBlank()) {
            throw new IllegalStateException("hodei.grpc.tls.cert-file is set but hodei.grpc.tls.key-file is not");
        }
        try {
            SslContextBuilder ssl = GrpcSslContexts.forServer(new File(tls.certFile()), new File(tls.keyFile()));
            if (!tls.clientCaFile().isBlank()) {
                // OPTIONAL, not REQUIRE: agents prove themselves with their one-time token and carry no
                // certificate; a certificate presented is verified here, and API calls without one are
                // refused by ApiAuthentication.
                ssl.trustManager(new File(tls.clientCaFile())).clientAuth(ClientAuth.OPTIONAL);
            }
            return ssl.build();
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("hodei.grpc.tls: cannot read the certificate or key ("
                    + e.getMessage() + ")", e);
        }
    }

    @Override
    public void stop() {
        Server s = server;
        if (s == null) return;
        endpoint.bound(0);
        s.shutdown();
        try {
            if (!s.awaitTermination(2, TimeUnit.SECONDS)) s.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server = null;
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** The port actually bound (differs from the setting when that is 0). */
    public int port() {
        Server s = server;
        if (s == null) throw new IllegalStateException("gRPC server is not running");
        return s.getPort();
    }

    /** Whether clients and agents must speak TLS to this server. */
    public boolean tls() {
        return props.grpc().tls().enabled();
    }
}
