package dev.hodei.server;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The one gRPC port for clients ({@code JobService}) and agents ({@code WorkerAgentService}).
 * Plain grpc-java rather than camel-grpc: agent streams are long-lived and the server must push
 * to a chosen worker (design.md §3).
 */
@Component
public class GrpcServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GrpcServer.class);

    private final HodeiProperties props;
    private final ObjectProvider<BindableService> services;
    private volatile Server server;

    public GrpcServer(HodeiProperties props, ObjectProvider<BindableService> services) {
        this.props = props;
        this.services = services;
    }

    @Override
    public void start() {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(props.grpc().port()))
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true);
        services.orderedStream().forEach(builder::addService);
        try {
            server = builder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for gRPC on port " + props.grpc().port(), e);
        }
        log.info("gRPC listening on port {}", server.getPort());
    }

    @Override
    public void stop() {
        Server s = server;
        if (s == null) return;
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
}
