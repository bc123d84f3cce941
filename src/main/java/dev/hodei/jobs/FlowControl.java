package dev.hodei.jobs;

import dev.hodei.server.UnaryResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * A server stream written from a follower thread that waits while the client is slow, so a
 * large log is never buffered whole in the server's memory.
 */
final class FlowControl<T> {

    interface Body {
        void run() throws InterruptedException;
    }

    private final ServerCallStreamObserver<T> call;
    private final Object ready = new Object();

    FlowControl(ServerCallStreamObserver<T> call) {
        this.call = call;
        // Must be set during the initial call, before any thread hand-off.
        call.setOnReadyHandler(this::wake);
        call.setOnCancelHandler(this::wake);
    }

    boolean cancelled() {
        return call.isCancelled();
    }

    void send(T message) throws InterruptedException {
        synchronized (ready) {
            while (!call.isReady() && !call.isCancelled()) ready.wait(200);
        }
        if (!call.isCancelled()) call.onNext(message);
    }

    /** Runs the body and ends the stream however the body ends. */
    void run(Body body) {
        try {
            body.run();
            if (!call.isCancelled()) call.onCompleted();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(Status.UNAVAILABLE.withDescription("server shutting down"));
        } catch (RuntimeException e) {
            fail(UnaryResponse.internal(e).getStatus());
        }
    }

    private void fail(Status status) {
        if (!call.isCancelled()) {
            try {
                call.onError(status.asRuntimeException());
            } catch (RuntimeException ignored) {
                // stream already closed
            }
        }
    }

    private void wake() {
        synchronized (ready) {
            ready.notifyAll();
        }
    }
}
