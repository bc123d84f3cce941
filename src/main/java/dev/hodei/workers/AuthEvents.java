package dev.hodei.workers;

import jakarta.annotation.PreDestroy;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * {@code auth_events} rows for refusals answered without database work (a throttled peer, a
 * stream that never registered). Written off the gRPC threads through a bounded queue, so a flood
 * of attempts can neither hold those threads on the database nor grow memory; what does not fit
 * is counted and recorded as one row when the queue drains. Never a token: callers pass none.
 */
@Component
public class AuthEvents {

    private static final Logger log = LoggerFactory.getLogger(AuthEvents.class);
    static final int QUEUE = 1000;

    private final NamedParameterJdbcTemplate jdbc;
    private final AtomicLong dropped = new AtomicLong();
    private final ThreadPoolExecutor writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE), r -> {
                Thread t = new Thread(r, "auth-events");
                t.setDaemon(true);
                return t;
            }, (r, pool) -> dropped.incrementAndGet());

    public AuthEvents(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Records the event soon; {@code workerId} may be null (what the peer claimed, if anything). */
    public void record(UUID workerId, String kind, String detail) {
        writer.execute(() -> {
            long lost = dropped.getAndSet(0);
            if (lost > 0) insert(null, kind, lost + " further refusals not recorded one by one (queue full)");
            insert(workerId, kind, detail);
        });
    }

    private void insert(UUID workerId, String kind, String detail) {
        try {
            jdbc.update("INSERT INTO auth_events (worker_id, kind, detail) VALUES (:worker, :kind, :detail)",
                    new MapSqlParameterSource().addValue("worker", workerId).addValue("kind", kind)
                            .addValue("detail", detail));
        } catch (RuntimeException e) {
            log.warn("Could not record auth event {}: {}", kind, e.toString());
        }
    }

    @PreDestroy
    void close() throws InterruptedException {
        writer.shutdown();
        writer.awaitTermination(2, TimeUnit.SECONDS);
    }
}
