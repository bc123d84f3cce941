package dev.hodei.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.dao.DataIntegrityViolationException;

/** What a client hears when a call fails unexpectedly: a reference to the server log, never the exception's text. */
@ExtendWith(OutputCaptureExtension.class)
class UnaryResponseTest {

    private static final String SQL_ERROR = "PreparedStatementCallback; bad SQL grammar [INSERT INTO jobs (id, name)"
            + " VALUES (?, ?)]; ERROR: interval field value out of range: \"9223372036854775807 seconds\"";

    static final class Recorder<T> implements StreamObserver<T> {
        final List<T> values = new ArrayList<>();
        Throwable error;
        boolean completed;

        @Override public void onNext(T value) { values.add(value); }
        @Override public void onError(Throwable t) { error = t; }
        @Override public void onCompleted() { completed = true; }
    }

    @Test
    void anUnexpectedExceptionBecomesInternalWithAReferenceOnly(CapturedOutput log) {
        Recorder<String> response = new Recorder<>();
        UnaryResponse.send(response, () -> {
            throw new DataIntegrityViolationException(SQL_ERROR);
        });
        assertThat(response.error).isInstanceOf(StatusRuntimeException.class);
        Status status = ((StatusRuntimeException) response.error).getStatus();
        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).matches("internal error; the server log has the details \\(ref [0-9a-f]{8}\\)")
                .doesNotContain("SQL", "INSERT", "interval");
        assertThat(status.getCause()).as("a cause could be serialised by an interceptor").isNull();
        String ref = status.getDescription().replaceAll(".*ref ([0-9a-f]{8}).*", "$1");
        assertThat(log.getAll()).contains("gRPC call failed (ref " + ref + ")").contains(SQL_ERROR);
    }

    @Test
    void theCallsOwnStatusAndValuePassThrough() {
        Recorder<String> refused = new Recorder<>();
        UnaryResponse.send(refused, () -> {
            throw Status.INVALID_ARGUMENT.withDescription("spec.name: longer than 256 characters").asRuntimeException();
        });
        assertThat(((StatusRuntimeException) refused.error).getStatus().getDescription())
                .isEqualTo("spec.name: longer than 256 characters");

        Recorder<String> ok = new Recorder<>();
        UnaryResponse.send(ok, () -> "done");
        assertThat(ok.values).containsExactly("done");
        assertThat(ok.completed).isTrue();
    }
}
