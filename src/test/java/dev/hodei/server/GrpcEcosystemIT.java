package dev.hodei.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hodei.testing.ServerProcess;
import dev.hodei.testing.TestClient;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What standard gRPC tools see of a real control plane: the health service SERVING only once the
 * HTTP readiness is UP and NOT_SERVING as shutdown begins; reflection listing every service, for a
 * token only.
 */
class GrpcEcosystemIT {

    private static final Pattern HTTP_PORT = Pattern.compile("HTTP +http://127\\.0\\.0\\.1:(\\d+)");

    @Test
    void healthFollowsReadinessAndReflectionListsEveryService() throws Exception {
        try (ServerProcess server = new ServerProcess(List.of())) {
            CompletableFuture<ServerProcess> starting = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.start();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (TestClient anonymous = new TestClient(server.grpcPort(), null)) {
                HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(anonymous.channel());
                List<ServingStatus> seen = new CopyOnWriteArrayList<>();
                await("SERVING").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> {
                    ServingStatus now;
                    try {
                        now = health.withDeadlineAfter(2, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance()).getStatus();
                    } catch (StatusRuntimeException e) {
                        if (starting.isCompletedExceptionally()) starting.join();
                        return false; // not listening yet
                    }
                    seen.add(now);
                    if (now != ServingStatus.SERVING) return false;
                    assertThat(readiness(server)).as("HTTP readiness when gRPC health first said SERVING").contains("\"UP\"");
                    return true;
                });
                starting.get(120, TimeUnit.SECONDS);
                for (String service : List.of("hodei.v1.JobService", "hodei.v1.TemplateService", "hodei.v1.WorkerAgentService")) {
                    assertThat(health.check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus())
                            .as(service).isEqualTo(ServingStatus.SERVING);
                }

                assertThatThrownBy(() -> listServices(anonymous)).isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
                try (TestClient admin = new TestClient(server.grpcPort())) {
                    assertThat(listServices(admin)).contains("hodei.v1.JobService", "hodei.v1.TemplateService",
                            "hodei.v1.TokenService", "hodei.v1.AuditService", "hodei.v1.WorkerAgentService",
                            "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection");
                }

                List<ServingStatus> watched = new CopyOnWriteArrayList<>();
                CompletableFuture<Void> watchEnded = new CompletableFuture<>();
                HealthGrpc.newStub(anonymous.channel()).watch(HealthCheckRequest.getDefaultInstance(), new StreamObserver<>() {
                    @Override public void onNext(HealthCheckResponse r) { watched.add(r.getStatus()); }
                    @Override public void onError(Throwable t) { watchEnded.complete(null); }
                    @Override public void onCompleted() { watchEnded.complete(null); }
                });
                await("the watch's first status").atMost(Duration.ofSeconds(10)).until(() -> !watched.isEmpty());
                server.stop();
                watchEnded.get(60, TimeUnit.SECONDS);
                assertThat(watched).as("statuses watched through the shutdown").startsWith(ServingStatus.SERVING)
                        .endsWith(ServingStatus.NOT_SERVING);
            }
        }
    }

    private static List<String> listServices(TestClient client) throws Exception {
        CompletableFuture<ServerReflectionResponse> reply = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(client.channel())
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override public void onNext(ServerReflectionResponse r) { reply.complete(r); }
                    @Override public void onError(Throwable t) { reply.completeExceptionally(t); }
                    @Override public void onCompleted() {}
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
        try {
            return reply.get(30, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
                    .map(ServiceResponse::getName).toList();
        } catch (java.util.concurrent.ExecutionException e) {
            throw (Exception) e.getCause();
        } finally {
            requests.onCompleted();
        }
    }

    /** HTTP readiness, on the port the start-up summary names (printed just after readiness turned UP). */
    private static String readiness(ServerProcess server) throws Exception {
        Path log = server.home().resolve("server-0.log");
        await("the start-up summary").atMost(Duration.ofSeconds(30)).until(() -> HTTP_PORT.matcher(Files.readString(log)).find());
        Matcher port = HTTP_PORT.matcher(Files.readString(log));
        assertThat(port.find()).isTrue();
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port.group(1) + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.body();
    }
}
