package dev.hodei.cluster;

import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * PostgreSQL LISTEN/NOTIFY between replicas: one connection of its own, one thread. A listener
 * gets each payload sent on its channel, and {@code null} after the connection was re-made
 * (notifications sent meanwhile are lost: the listener catches up from the tables).
 */
@Component
public class DatabaseNotifications {

    private static final Logger log = LoggerFactory.getLogger(DatabaseNotifications.class);
    private static final int POLL_MS = 500;

    private final DedicatedConnections connections;
    private final JdbcTemplate jdbc;
    private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Connection connection;
    private final Queue<String> pending = new ConcurrentLinkedQueue<>();

    public DatabaseNotifications(DedicatedConnections connections, JdbcTemplate jdbc) {
        this.connections = connections;
        this.jdbc = jdbc;
        this.thread = new Thread(this::run, "db-notifications");
        thread.setDaemon(true);
    }

    /**
     * Listens on {@code channel} (a fixed identifier, never user input) within one poll; the
     * listener gets {@code null} once it does, to catch up with what was sent before.
     */
    public void listen(String channel, Consumer<String> listener) {
        if (!channel.matches("[a-z_]+")) throw new IllegalArgumentException("channel: " + channel);
        listeners.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(listener);
        // The thread issues the LISTEN: its connection is busy in a poll, whose lock a caller here
        // would wait for (for seconds at start-up: the poller takes it back first, it is not fair).
        pending.add(channel);
        synchronized (this) {
            if (!thread.isAlive() && running) thread.start();
        }
    }

    /** Sends {@code payload} to every replica listening on {@code channel}, this one included. */
    public void notify(String channel, String payload) {
        jdbc.queryForList("SELECT pg_notify(?, ?)", channel, payload);
    }

    private void run() {
        long backoff = 200;
        while (running) {
            try (Connection c = connections.open("hodei notifications")) {
                pending.clear(); // every channel known from here on is listened to just below
                try (Statement s = c.createStatement()) {
                    for (String channel : listeners.keySet()) s.execute("LISTEN " + channel);
                }
                connection = c;
                backoff = 200;
                deliverToAll(null); // whatever was sent while no connection listened
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    for (String channel; (channel = pending.poll()) != null; ) {
                        try (Statement s = c.createStatement()) {
                            s.execute("LISTEN " + channel);
                        }
                        deliver(channel, null);
                    }
                    PGNotification[] received = pg.getNotifications(POLL_MS);
                    if (received == null) continue;
                    for (PGNotification n : received) deliver(n.getName(), n.getParameter());
                }
            } catch (SQLException | RuntimeException e) {
                connection = null;
                if (!running) return;
                log.debug("Database notifications interrupted, listening again in {} ms: {}", backoff, e.toString());
                try {
                    Thread.sleep(backoff); // a reconnect backoff, not a wait for an event
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    private void deliverToAll(String payload) {
        listeners.keySet().forEach(channel -> deliver(channel, payload));
    }

    private void deliver(String channel, String payload) {
        for (Consumer<String> l : listeners.getOrDefault(channel, List.of())) {
            try {
                l.accept(payload);
            } catch (RuntimeException e) {
                log.warn("Handling a notification on {} failed: {}", channel, e.toString());
            }
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        thread.interrupt();
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }
}
