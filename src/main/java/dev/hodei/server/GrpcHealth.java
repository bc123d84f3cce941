package dev.hodei.server;

import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The standard {@code grpc.health.v1.Health} service, for Kubernetes' gRPC probes and load
 * balancers: the server ({@code ""}) and each of our services are SERVING exactly while the HTTP
 * readiness group is UP (database, default provider, start-up finished), checked every few seconds
 * from the moment the application is ready, and NOT_SERVING for good once shutdown begins, before
 * the gRPC server stops taking calls.
 */
@Component
public class GrpcHealth {

    static final long CHECK_EVERY_MS = 3000;

    private final HealthStatusManager status = new HealthStatusManager();
    private final ObjectProvider<BindableService> services;
    private final ObjectProvider<HealthEndpoint> readiness;
    private volatile List<String> serviceNames = List.of();
    private final ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "grpc-health");
        t.setDaemon(true);
        return t;
    });

    public GrpcHealth(ObjectProvider<BindableService> services, ObjectProvider<HealthEndpoint> readiness) {
        this.services = services;
        this.readiness = readiness;
        status.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
    }

    /** The service the gRPC server offers. */
    public BindableService service() {
        return status.getHealthService();
    }

    @EventListener(ContextRefreshedEvent.class)
    void notServingYet() {
        // read once: binding every service again at each check would be the same answer every 3 s
        serviceNames = services.orderedStream().map(b -> b.bindService().getServiceDescriptor().getName())
                .filter(n -> n.startsWith("hodei.")).toList();
        set(ServingStatus.NOT_SERVING);
    }

    @EventListener(ApplicationReadyEvent.class)
    void followReadiness() {
        checks.scheduleWithFixedDelay(this::check, 0, CHECK_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    @EventListener(ContextClosedEvent.class)
    void stopping() {
        checks.shutdownNow();
        status.enterTerminalState();
    }

    private void check() {
        ServingStatus now;
        try {
            HealthEndpoint endpoint = readiness.getIfAvailable();
            var group = endpoint == null ? null : endpoint.healthForPath("readiness");
            now = group != null && Status.UP.equals(group.getStatus()) ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        } catch (RuntimeException e) {
            now = ServingStatus.NOT_SERVING;
        }
        set(now);
    }

    private void set(ServingStatus s) {
        status.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, s);
        for (String name : serviceNames) status.setStatus(name, s);
    }
}
