package dev.hodei.cluster;

import dev.hodei.server.GrpcEndpoint;
import dev.hodei.server.HodeiProperties;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * This control plane among the others on the same database: registered by its first heartbeat
 * (route {@code replica-heartbeat}), marked stopped on a clean stop. A replica whose heartbeat is
 * older than {@code hodei.replicas.dead-after} is dead; the first live replica to see it says so,
 * once ({@link #noticeDead()}).
 */
@Component
public class Replicas {

    /** A replica as the table knows it. */
    public record Replica(UUID id, String name, String grpcAddress, Instant startedAt, Instant heartbeatAt) {}

    private static final Logger log = LoggerFactory.getLogger(Replicas.class);

    private final NamedParameterJdbcTemplate jdbc;
    private final HodeiProperties.Replicas settings;
    private final UUID id = UUID.randomUUID();
    private final String name;
    private volatile String grpcAddress = "";
    private volatile boolean othersKnownLive;
    private volatile boolean stopping;

    private final GrpcEndpoint grpc;

    public Replicas(NamedParameterJdbcTemplate jdbc, HodeiProperties props, GrpcEndpoint grpc) {
        this.jdbc = jdbc;
        this.grpc = grpc;
        this.settings = props.replicas();
        this.name = settings.name().isBlank() ? defaultName() : settings.name();
        // the row is written by the first heartbeat, once the replica runs: a replica still starting
        // is not one the others could take for dead
    }

    private static String defaultName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "localhost";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }

    public UUID id() {
        return id;
    }

    public String name() {
        return name;
    }

    private void insert() {
        jdbc.update("""
                INSERT INTO replicas (id, name, grpc_address) VALUES (:id, :name, :a)
                ON CONFLICT (id) DO UPDATE SET heartbeat_at = now(), noticed_dead_at = NULL, stopped_at = NULL""",
                Map.of("id", id, "name", name, "a", grpcAddress));
    }

    /** Step of route {@code replica-heartbeat}. A replica others took for dead comes back as live. */
    public void heartbeat() {
        if (stopping) return; // a last tick during the stop must not bring the row back
        if (grpcAddress.isEmpty()) {
            try {
                grpcAddress = grpc.loopbackAddress();
                jdbc.update("UPDATE replicas SET grpc_address = :a WHERE id = :id", Map.of("a", grpcAddress, "id", id));
            } catch (IllegalStateException notYet) {
                // the port is not bound yet
            }
        }
        int n = jdbc.update("""
                UPDATE replicas SET heartbeat_at = now(), noticed_dead_at = NULL
                WHERE id = :id AND stopped_at IS NULL""", Map.of("id", id));
        if (n == 0) insert();
        othersKnownLive = othersLive();
    }

    /** As of the last heartbeat: whether other replicas live (cheap; for what only saves latency). */
    public boolean othersKnownLive() {
        return othersKnownLive;
    }

    /**
     * The replicas whose heartbeat stopped, each returned once whichever replica asks first
     * (step of route {@code replica-heartbeat}).
     */
    public List<Replica> noticeDead() {
        return jdbc.query("""
                UPDATE replicas SET noticed_dead_at = now()
                WHERE stopped_at IS NULL AND noticed_dead_at IS NULL AND id <> :id
                  AND heartbeat_at < now() - make_interval(secs => :after)
                RETURNING id, name, grpc_address, started_at, heartbeat_at""",
                Map.of("id", id, "after", settings.deadAfter().toMillis() / 1000.0), Replicas::row);
    }

    /** The replicas alive now, this one included. */
    public List<Replica> live() {
        return jdbc.query("""
                SELECT id, name, grpc_address, started_at, heartbeat_at FROM replicas
                WHERE stopped_at IS NULL AND noticed_dead_at IS NULL
                  AND heartbeat_at >= now() - make_interval(secs => :after)
                ORDER BY started_at""", Map.of("after", settings.deadAfter().toMillis() / 1000.0), Replicas::row);
    }

    /** Whether another replica is alive now: then it takes over what this one leaves. */
    public boolean othersLive() {
        return live().stream().anyMatch(r -> !r.id().equals(id));
    }

    private static Replica row(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
        return new Replica(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("grpc_address"),
                rs.getTimestamp("started_at").toInstant(), rs.getTimestamp("heartbeat_at").toInstant());
    }

    @EventListener(ContextClosedEvent.class)
    public void stopped() {
        stopping = true;
        try {
            jdbc.update("UPDATE replicas SET stopped_at = now() WHERE id = :id", Map.of("id", id));
        } catch (RuntimeException e) {
            log.debug("Could not record the stop of replica {}: {}", name, e.toString());
        }
    }
}
