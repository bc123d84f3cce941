package dev.hodei.workers;

import dev.hodei.cluster.DatabaseNotifications;
import hodei.v1.CancelRun;
import hodei.v1.ServerMessage;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Commands for agents (a cancel), whichever replica received the request. Each is stored
 * ({@code agent_commands}) and the replicas are told ({@code NOTIFY hodei_agent_commands}); the
 * one holding the worker's stream writes it. A worker connected nowhere gets its commands when it
 * registers again, on any replica; an agent applies a command it already has once.
 */
@Component
public class AgentCommands {

    static final String CHANNEL = "hodei_agent_commands";

    /** What became of a command at once: written to the agent's stream here, or kept for it. */
    public enum Delivery { WRITTEN, KEPT }

    private record Command(long id, UUID jobId, String kind, String reason) {}

    private final NamedParameterJdbcTemplate jdbc;
    private final WorkerGateway gateway;
    private final DatabaseNotifications notifications;

    public AgentCommands(NamedParameterJdbcTemplate jdbc, WorkerGateway gateway, DatabaseNotifications notifications) {
        this.jdbc = jdbc;
        this.gateway = gateway;
        this.notifications = notifications;
        notifications.listen(CHANNEL, this::woken);
    }

    /** Keeps a cancel for the attempt the worker runs, and delivers it wherever the agent is connected. */
    public Delivery cancel(UUID workerId, UUID jobId, int attempt, String reason) {
        jdbc.update("""
                INSERT INTO agent_commands (worker_id, job_id, attempt, kind, reason)
                VALUES (:worker, :job, :attempt, 'cancel', :reason)""",
                Map.of("worker", workerId, "job", jobId, "attempt", attempt, "reason", reason));
        if (gateway.isConnected(workerId) && deliverPending(workerId) > 0) return Delivery.WRITTEN;
        notifications.notify(CHANNEL, workerId.toString());
        return Delivery.KEPT;
    }

    /** Whether a command for the job's attempt waits for an agent that is connected nowhere. */
    public boolean undelivered(UUID jobId, int attempt) {
        return !jdbc.queryForList("""
                SELECT 1 FROM agent_commands WHERE job_id = :job AND attempt = :attempt AND delivered_at IS NULL""",
                Map.of("job", jobId, "attempt", attempt)).isEmpty();
    }

    /** After the agent (re)registered here: every command for the attempt it runs, again. */
    public void resend(UUID workerId) {
        gateway.exclusively(workerId, () -> {
            send(workerId, jdbc.query("""
                    SELECT c.id, c.job_id, c.kind, c.reason FROM agent_commands c
                    JOIN workers w ON w.id = c.worker_id AND w.job_id = c.job_id AND w.job_attempt = c.attempt
                    WHERE c.worker_id = :worker ORDER BY c.id""", Map.of("worker", workerId), AgentCommands::row));
            return null;
        });
    }

    private void woken(String workerId) {
        if (workerId == null) { // the listener was away: anything may be waiting
            gateway.connected().forEach(this::deliverPending);
            return;
        }
        UUID id;
        try {
            id = UUID.fromString(workerId);
        } catch (IllegalArgumentException e) {
            return;
        }
        if (gateway.isConnected(id)) deliverPending(id);
    }

    private int deliverPending(UUID workerId) {
        return gateway.exclusively(workerId, () -> send(workerId, jdbc.query("""
                SELECT id, job_id, kind, reason FROM agent_commands
                WHERE worker_id = :worker AND delivered_at IS NULL ORDER BY id""",
                Map.of("worker", workerId), AgentCommands::row)));
    }

    private int send(UUID workerId, List<Command> commands) {
        int written = 0;
        for (Command c : commands) {
            ServerMessage m = ServerMessage.newBuilder()
                    .setCancel(CancelRun.newBuilder().setJobId(c.jobId().toString()).setReason(c.reason())).build();
            if (!gateway.send(workerId, m)) break;
            jdbc.update("UPDATE agent_commands SET delivered_at = now() WHERE id = :id AND delivered_at IS NULL",
                    Map.of("id", c.id()));
            written++;
        }
        return written;
    }

    private static Command row(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
        return new Command(rs.getLong("id"), rs.getObject("job_id", UUID.class), rs.getString("kind"),
                rs.getString("reason"));
    }
}
