package dev.hodei.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers a unary gRPC call: the value, the call's own status, or INTERNAL for anything unexpected. */
public final class UnaryResponse {

    private static final Logger log = LoggerFactory.getLogger(UnaryResponse.class);
    private static final SecureRandom REFS = new SecureRandom();

    private UnaryResponse() {}

    public static <T> void send(StreamObserver<T> response, Supplier<T> call) {
        try {
            response.onNext(call.get());
            response.onCompleted();
        } catch (StatusRuntimeException e) {
            response.onError(e);
        } catch (RuntimeException e) {
            response.onError(internal(e));
        }
    }

    /**
     * INTERNAL for an unexpected failure, with a reference to the server's log and nothing else:
     * an exception's message can carry SQL, a row's values or a stack trace, none of which is the
     * client's business. The failure is logged in full under the same reference.
     */
    public static StatusRuntimeException internal(Throwable e) {
        return Status.INTERNAL.withDescription(loggedUnderReference("gRPC call failed", e)).asRuntimeException();
    }

    /**
     * Logs {@code e} in full under a new reference and returns what a user may read of it instead:
     * "internal error; the server log has the details (ref …)".
     */
    public static String loggedUnderReference(String what, Throwable e) {
        byte[] raw = new byte[4];
        REFS.nextBytes(raw);
        String ref = HexFormat.of().formatHex(raw);
        log.error("{} (ref {})", what, ref, e);
        return "internal error; the server log has the details (ref " + ref + ")";
    }
}
