package dev.hodei.schedules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hodei.templates.TemplateStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/** The {@code schedules} table. */
@Repository
public class ScheduleStore {

    private static final TypeReference<Map<String, String>> PARAMS = new TypeReference<>() {};
    private static final String SELECT = """
            SELECT s.*, t.name AS template_name, t.status AS template_status, t.namespace AS template_namespace
            FROM schedules s JOIN templates t ON t.id = s.template_id""";

    private final NamedParameterJdbcTemplate jdbc;
    private final ObjectMapper json;

    public ScheduleStore(NamedParameterJdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** One schedule with its template's name and status. */
    public record ScheduleRow(UUID id, String name, UUID templateId, String templateName, String templateStatus,
                              String cron, String timeZone, Map<String, String> parameters, byte[] secretParameters,
                              boolean enabled, String misfirePolicy, int pauseAfterFailures, int consecutiveFailures,
                              String statusReason, Instant lastFireAt, Instant createdAt, Instant updatedAt,
                              String namespace, String createdBy, Integer secretsVersion) {

        /** Should a cron route fire for it? */
        public boolean live() {
            return enabled && templateStatus.equals("ACTIVE");
        }
    }

    /** False when the name is taken. */
    public boolean create(UUID id, String name, UUID templateId, String cron, String timeZone, Map<String, String> params,
                          byte[] secretParams, String misfirePolicy, int pauseAfterFailures, String createdBy,
                          int secretsVersion) {
        return jdbc.update("""
                INSERT INTO schedules (id, name, template_id, cron, time_zone, parameters, secret_parameters,
                                       misfire_policy, pause_after_failures, created_by, secrets_version)
                VALUES (:id, :name, :template, :cron, :tz, CAST(:params AS jsonb), :secret, :policy, :pause, :by,
                        :secretsVersion)
                ON CONFLICT (name) DO NOTHING""",
                new MapSqlParameterSource("id", id).addValue("name", name).addValue("template", templateId)
                        .addValue("cron", cron).addValue("tz", timeZone).addValue("params", toJson(params))
                        .addValue("secret", secretParams, Types.BINARY).addValue("policy", misfirePolicy)
                        .addValue("pause", pauseAfterFailures).addValue("by", createdBy, Types.VARCHAR)
                        .addValue("secretsVersion", secretsVersion)) == 1;
    }

    /** By id or name. */
    public Optional<ScheduleRow> find(String ref) {
        UUID id = TemplateStore.asUuid(ref);
        return (id != null ? jdbc.query(SELECT + " WHERE s.id = :id", Map.of("id", id), this::row)
                : jdbc.query(SELECT + " WHERE s.name = :name", Map.of("name", ref), this::row)).stream().findFirst();
    }

    public List<ScheduleRow> list(UUID templateId) {
        return templateId == null ? jdbc.query(SELECT + " ORDER BY s.name", Map.of(), this::row)
                : jdbc.query(SELECT + " WHERE s.template_id = :t ORDER BY s.name", Map.of("t", templateId), this::row);
    }

    /** Resuming starts afresh: what was missed while paused is not caught up, failures are forgotten. */
    public void setEnabled(UUID id, boolean enabled, String reason) {
        jdbc.update("""
                UPDATE schedules SET enabled = :enabled, status_reason = :reason, updated_at = now(),
                    last_fire_at = CASE WHEN :enabled AND NOT enabled THEN now() ELSE last_fire_at END,
                    consecutive_failures = CASE WHEN :enabled THEN 0 ELSE consecutive_failures END
                WHERE id = :id""",
                new MapSqlParameterSource("id", id).addValue("enabled", enabled).addValue("reason", reason));
    }

    /** A template enabled again: its schedules do not catch up the time it was disabled. */
    public void restartTemplateSchedules(UUID templateId) {
        jdbc.update("UPDATE schedules SET last_fire_at = now(), updated_at = now() WHERE template_id = :t",
                Map.of("t", templateId));
    }

    public void delete(UUID id) {
        jdbc.update("DELETE FROM schedules WHERE id = :id", Map.of("id", id));
    }

    /** Records a fire time handled; never moves backwards. */
    /** A paused schedule keeps the reason it was paused for, even if a fire was still under way. */
    public void markFired(UUID id, Instant fireTime, String statusReason) {
        jdbc.update("""
                UPDATE schedules SET last_fire_at = greatest(last_fire_at, :t),
                       status_reason = CASE WHEN enabled THEN :reason ELSE status_reason END
                WHERE id = :id""",
                new MapSqlParameterSource("id", id).addValue("t", Timestamp.from(fireTime))
                        .addValue("reason", statusReason));
    }

    /** The latest finished runs' states, newest first. */
    public List<String> recentRunStates(UUID id, int limit) {
        return jdbc.queryForList("""
                SELECT state FROM jobs WHERE schedule_id = :id AND finished_at IS NOT NULL AND state <> 'CANCELLED'
                ORDER BY created_at DESC LIMIT :limit""", Map.of("id", id, "limit", limit), String.class);
    }

    public void setConsecutiveFailures(UUID id, int failures) {
        jdbc.update("UPDATE schedules SET consecutive_failures = :n WHERE id = :id", Map.of("id", id, "n", failures));
    }

    private ScheduleRow row(ResultSet rs, int i) throws SQLException {
        try {
            return new ScheduleRow(rs.getObject("id", UUID.class), rs.getString("name"),
                    rs.getObject("template_id", UUID.class), rs.getString("template_name"),
                    rs.getString("template_status"), rs.getString("cron"), rs.getString("time_zone"),
                    json.readValue(rs.getString("parameters"), PARAMS), rs.getBytes("secret_parameters"),
                    rs.getBoolean("enabled"), rs.getString("misfire_policy"), rs.getInt("pause_after_failures"),
                    rs.getInt("consecutive_failures"), rs.getString("status_reason"),
                    rs.getTimestamp("last_fire_at").toInstant(), rs.getTimestamp("created_at").toInstant(),
                    rs.getTimestamp("updated_at").toInstant(), rs.getString("template_namespace"),
                    rs.getString("created_by"), (Integer) rs.getObject("secrets_version"));
        } catch (JsonProcessingException e) {
            throw new SQLException("schedules.parameters is not a JSON object", e);
        }
    }

    private String toJson(Map<String, String> map) {
        try {
            return json.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
