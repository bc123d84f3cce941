package dev.hodei.web;

import com.google.protobuf.Message;
import io.grpc.ClientCall;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The dashboard's API: {@code POST /ui/api/rpc/{service}/{method}} with the request's proto JSON
 * answers the response's proto JSON (a refusal: the gRPC code and message, with the matching HTTP
 * status); {@code GET /ui/api/stream/{service}/{method}?request=…} follows a server-streaming RPC
 * (logs, a job's events) as server-sent events: {@code message} per item, then {@code end} or
 * {@code error}. Only the calls of {@link WebApi#METHODS}, each checked by the API itself.
 */
@RestController
class WebApiController {

    static final int MAX_BODY = 64 * 1024;
    static final int MAX_STREAMS_PER_SESSION = 8;
    static final long STREAM_TIMEOUT_MS = 30 * 60 * 1000L;
    private static final String STREAMS = "HODEI_DASHBOARD_STREAMS";

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final WebApi api;

    WebApiController(WebApi api) {
        this.api = api;
    }

    @PostMapping(path = "/ui/api/rpc/{service}/{method}", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<String> call(@PathVariable String service, @PathVariable String method, HttpServletRequest request,
                                Authentication auth) throws IOException {
        byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            return refusal(Status.INVALID_ARGUMENT.withDescription("request: larger than " + MAX_BODY / 1024 + " KiB"));
        }
        try {
            return ResponseEntity.ok(api.unary("hodei.v1." + service + "/" + method,
                    new String(body, StandardCharsets.UTF_8), (WebCaller) auth, request.getRemoteAddr()));
        } catch (StatusRuntimeException e) {
            return refusal(e.getStatus());
        }
    }

    @GetMapping(path = "/ui/api/stream/{service}/{method}", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    ResponseEntity<SseEmitter> stream(@PathVariable String service, @PathVariable String method,
                                      @RequestParam(name = "request", defaultValue = "{}") String json,
                                      HttpServletRequest request, Authentication auth) {
        if (json.length() > 4096) {
            return ResponseEntity.badRequest().build();
        }
        HttpSession session = request.getSession();
        AtomicInteger open;
        synchronized (session) {
            open = (AtomicInteger) session.getAttribute(STREAMS);
            if (open == null) session.setAttribute(STREAMS, open = new AtomicInteger());
        }
        if (open.incrementAndGet() > MAX_STREAMS_PER_SESSION) {
            open.decrementAndGet();
            return ResponseEntity.status(429).build();
        }
        AtomicInteger counted = open;
        SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT_MS);
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable released = () -> {
            if (done.compareAndSet(false, true)) counted.decrementAndGet();
        };
        try {
            ClientCall<Message, Message> call = api.stream("hodei.v1." + service + "/" + method, json, (WebCaller) auth,
                    request.getRemoteAddr(), new StreamObserver<>() {
                        @Override
                        public void onNext(String item) {
                            send(emitter, "message", item);
                        }

                        @Override
                        public void onError(Throwable t) {
                            Status s = Status.fromThrowable(t);
                            if (s.getCode() != Status.Code.CANCELLED) send(emitter, "failure", errorJson(s));
                            emitter.complete();
                        }

                        @Override
                        public void onCompleted() {
                            send(emitter, "end", "{}");
                            emitter.complete();
                        }
                    });
            // the browser went away, or the stream timed out: stop the RPC
            emitter.onCompletion(() -> {
                released.run();
                call.cancel("the page closed the stream", null);
            });
            emitter.onTimeout(() -> call.cancel("the stream timed out", null));
            emitter.onError(e -> call.cancel("the page's connection failed", null));
        } catch (StatusRuntimeException e) {
            released.run();
            send(emitter, "failure", errorJson(e.getStatus()));
            emitter.complete();
        }
        return ResponseEntity.ok().header("Cache-Control", "no-store").header("X-Accel-Buffering", "no").body(emitter);
    }

    private static void send(SseEmitter emitter, String event, String data) {
        try {
            emitter.send(SseEmitter.event().name(event).data(data, MediaType.APPLICATION_JSON));
        } catch (IOException | IllegalStateException e) {
            emitter.completeWithError(e);
        }
    }

    static ResponseEntity<String> refusal(Status s) {
        return ResponseEntity.status(httpStatus(s.getCode())).contentType(MediaType.APPLICATION_JSON).body(errorJson(s));
    }

    static String errorJson(Status s) {
        String message = s.getDescription() == null ? s.getCode().name().toLowerCase().replace('_', ' ') : s.getDescription();
        try {
            return JSON.writeValueAsString(java.util.Map.of("code", s.getCode().name(), "message", message));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static int httpStatus(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT, OUT_OF_RANGE -> 400;
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS, ABORTED, FAILED_PRECONDITION -> 409;
            case RESOURCE_EXHAUSTED -> 429;
            case UNIMPLEMENTED -> 501;
            case UNAVAILABLE -> 503;
            case DEADLINE_EXCEEDED -> 504;
            default -> 500;
        };
    }
}
