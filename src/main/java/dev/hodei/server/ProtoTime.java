package dev.hodei.server;

import com.google.protobuf.Timestamp;
import java.time.Instant;

/** Instants as the API's {@code google.protobuf.Timestamp}. */
public final class ProtoTime {

    private ProtoTime() {}

    public static Timestamp of(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
