package dev.hodei.workers;

import hodei.v1.ServerMessage;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The open agent streams, by worker. Routes push commands to a chosen worker through here;
 * writes to one stream are serialised because a gRPC StreamObserver is not thread-safe.
 */
@Component
public class WorkerGateway {

    private static final Logger log = LoggerFactory.getLogger(WorkerGateway.class);

    private final Map<UUID, StreamObserver<ServerMessage>> streams = new ConcurrentHashMap<>();
    // Per worker (striped): what is written to an agent keeps the order in which it was decided.
    private final Object[] stripes = new Object[64];

    {
        for (int i = 0; i < stripes.length; i++) stripes[i] = new Object();
    }

    /**
     * Runs {@code work} while no other exclusive work for the worker runs: a job marked RUNNING
     * and its RunJob written, say, before any cancel decided after that mark is written.
     */
    public <T> T exclusively(UUID workerId, java.util.function.Supplier<T> work) {
        synchronized (stripes[Math.floorMod(workerId.hashCode(), stripes.length)]) {
            return work.get();
        }
    }

    public void attach(UUID workerId, StreamObserver<ServerMessage> stream) {
        StreamObserver<ServerMessage> previous = streams.put(workerId, stream);
        if (previous != null && previous != stream) complete(previous);
    }

    /** Forgets the stream; false when the worker has another stream here by now (or none). */
    public boolean detach(UUID workerId, StreamObserver<ServerMessage> stream) {
        return streams.remove(workerId, stream);
    }

    /** Sends to the worker's stream; false when the worker has no open stream here. */
    public boolean send(UUID workerId, ServerMessage message) {
        StreamObserver<ServerMessage> stream = streams.get(workerId);
        if (stream == null) return false;
        synchronized (stream) {
            try {
                stream.onNext(message);
                return true;
            } catch (RuntimeException e) {
                log.debug("Could not send to worker {}: {}", workerId, e.toString());
                return false;
            }
        }
    }

    /** The workers whose stream this control plane holds. */
    public java.util.Set<UUID> connected() {
        return java.util.Set.copyOf(streams.keySet());
    }

    public boolean isConnected(UUID workerId) {
        return streams.containsKey(workerId);
    }

    /** Ends the worker's stream from the server side. */
    public void close(UUID workerId) {
        StreamObserver<ServerMessage> stream = streams.remove(workerId);
        if (stream != null) complete(stream);
    }

    /** Ends a stream from the server side, under the lock every write to it takes. */
    public static void complete(StreamObserver<ServerMessage> stream) {
        synchronized (stream) {
            try {
                stream.onCompleted();
            } catch (RuntimeException ignored) {
                // already closed
            }
        }
    }

    /** Fails a stream with {@code status}, under the lock every write to it takes. */
    public static void fail(StreamObserver<ServerMessage> stream, Status status) {
        synchronized (stream) {
            try {
                stream.onError(status.asRuntimeException());
            } catch (RuntimeException ignored) {
                // already closed
            }
        }
    }
}
