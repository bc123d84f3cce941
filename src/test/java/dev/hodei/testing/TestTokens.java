package dev.hodei.testing;

import dev.hodei.auth.LocalAdminToken;
import dev.hodei.server.GrpcServer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * The admin token of every control plane this test JVM started or reached, by gRPC port, so a
 * {@link TestClient} authenticates without each test passing tokens around. Registered for every
 * Spring context in META-INF/spring.factories; {@link ServerProcess} adds the servers it starts.
 */
public final class TestTokens implements ApplicationListener<ApplicationReadyEvent> {

    private static final Map<Integer, String> BY_PORT = new ConcurrentHashMap<>();

    public static void register(int grpcPort, String token) {
        BY_PORT.put(grpcPort, token);
    }

    /** The admin token of the control plane on this port, or null. */
    public static String adminOf(int grpcPort) {
        return BY_PORT.get(grpcPort);
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        var ctx = event.getApplicationContext();
        if (ctx.getBeanNamesForType(GrpcServer.class).length == 0) return;
        GrpcServer grpc = ctx.getBean(GrpcServer.class);
        if (grpc.isRunning()) register(grpc.port(), ctx.getBean(LocalAdminToken.class).secret());
    }
}
