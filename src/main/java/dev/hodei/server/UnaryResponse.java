package dev.hodei.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers a unary gRPC call: the value, the call's own status, or INTERNAL for anything unexpected. */
public final class UnaryResponse {

    private static final Logger log = LoggerFactory.getLogger(UnaryResponse.class);

    private UnaryResponse() {}

    public static <T> void send(StreamObserver<T> response, Supplier<T> call) {
        try {
            response.onNext(call.get());
            response.onCompleted();
        } catch (StatusRuntimeException e) {
            response.onError(e);
        } catch (RuntimeException e) {
            log.error("gRPC call failed", e);
            response.onError(Status.INTERNAL.withDescription(e.getMessage()).withCause(e).asRuntimeException());
        }
    }
}
