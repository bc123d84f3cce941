package dev.hodei.templates;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.hodei.jobs.JobRecord;
import dev.hodei.jobs.JobState;
import hodei.v1.TemplateDefinition;
import hodei.v1.TemplateStats;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/** The {@code templates} and {@code template_versions} tables, and the queries over a template's runs. */
@Repository
public class TemplateStore {

    private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {};

    private final NamedParameterJdbcTemplate jdbc;
    private final ObjectMapper json;

    public TemplateStore(NamedParameterJdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** One row of {@code templates}. */
    public record TemplateRow(UUID id, String name, String status, Map<String, String> labels, int latestVersion,
                              long lastRunNumber, Instant createdAt, Instant updatedAt, String namespace,
                              String createdBy, String updatedBy) {}

    /** Inserts the template and its version 1; false when the name is taken. */
    public boolean create(UUID id, TemplateDefinition def, String namespace, String principal) {
        int n = jdbc.update("""
                INSERT INTO templates (id, name, status, labels, latest_version, namespace, created_by, updated_by)
                VALUES (:id, :name, 'ACTIVE', CAST(:labels AS jsonb), 1, :ns, :by, :by) ON CONFLICT (name) DO NOTHING""",
                new MapSqlParameterSource("id", id).addValue("name", def.getName()).addValue("labels", toJson(def.getLabelsMap()))
                        .addValue("ns", namespace).addValue("by", principal, java.sql.Types.VARCHAR));
        if (n == 0) return false;
        insertVersion(id, 1, def);
        return true;
    }

    /** Stores {@code def} as the next version (call in a transaction); returns its number. */
    public int addVersion(UUID id, TemplateDefinition def, String principal) {
        Integer version = jdbc.queryForObject("""
                UPDATE templates SET latest_version = latest_version + 1, labels = CAST(:labels AS jsonb), updated_at = now(),
                       updated_by = :by
                WHERE id = :id RETURNING latest_version""",
                new MapSqlParameterSource("id", id).addValue("labels", toJson(def.getLabelsMap()))
                        .addValue("by", principal, java.sql.Types.VARCHAR), Integer.class);
        insertVersion(id, version, def);
        return version;
    }

    private void insertVersion(UUID id, int version, TemplateDefinition def) {
        jdbc.update("INSERT INTO template_versions (template_id, version, definition) VALUES (:id, :v, :def)",
                new MapSqlParameterSource("id", id).addValue("v", version).addValue("def", def.toByteArray()));
    }

    /** By id or by name. */
    public Optional<TemplateRow> find(String ref) {
        UUID id = asUuid(ref);
        return (id != null
                ? jdbc.query("SELECT * FROM templates WHERE id = :id", Map.of("id", id), this::row)
                : jdbc.query("SELECT * FROM templates WHERE name = :name", Map.of("name", ref), this::row))
                .stream().findFirst();
    }

    /** Locks the row until the transaction ends: run numbers and versions are handed out one at a time. */
    public Optional<TemplateRow> lock(UUID id) {
        return jdbc.query("SELECT * FROM templates WHERE id = :id FOR UPDATE", Map.of("id", id), this::row)
                .stream().findFirst();
    }

    public Optional<TemplateDefinition> definition(UUID id, int version) {
        return jdbc.query("SELECT definition FROM template_versions WHERE template_id = :id AND version = :v",
                Map.of("id", id, "v", version), (rs, i) -> parse(rs.getBytes(1))).stream().findFirst();
    }

    public long nextRunNumber(UUID id) {
        return jdbc.queryForObject("""
                UPDATE templates SET last_run_number = last_run_number + 1 WHERE id = :id RETURNING last_run_number""",
                Map.of("id", id), Long.class);
    }

    /** Ordered by name, after {@code afterName} when given. */
    /** {@code namespaces}: null = all. */
    public List<TemplateRow> list(Collection<String> statuses, Map<String, String> labels, int limit, String afterName,
                                  Collection<String> namespaces) {
        if (namespaces != null && namespaces.isEmpty()) return List.of();
        MapSqlParameterSource p = new MapSqlParameterSource("statuses", statuses)
                .addValue("labels", toJson(labels)).addValue("limit", limit).addValue("after", afterName == null ? "" : afterName)
                .addValue("namespaces", namespaces == null ? List.of("") : namespaces)
                .addValue("all", namespaces == null);
        return jdbc.query("""
                SELECT * FROM templates WHERE status IN (:statuses) AND labels @> CAST(:labels AS jsonb) AND name > :after
                  AND (:all OR namespace IN (:namespaces))
                ORDER BY name LIMIT :limit""", p, this::row);
    }

    public void setStatus(UUID id, String status) {
        jdbc.update("UPDATE templates SET status = :s, updated_at = now() WHERE id = :id", Map.of("id", id, "s", status));
    }

    public void delete(UUID id) {
        jdbc.update("DELETE FROM templates WHERE id = :id", Map.of("id", id));
    }

    public List<UUID> activeRuns(UUID id) {
        return jdbc.queryForList("SELECT id FROM jobs WHERE template_id = :id AND state IN (:active)",
                new MapSqlParameterSource("id", id).addValue("active", activeStates()), UUID.class);
    }

    public Optional<JobRecord> run(UUID templateId, long runNumber) {
        return jdbc.query("SELECT * FROM jobs WHERE template_id = :id AND run_number = :n",
                Map.of("id", templateId, "n", runNumber), JobRecord::map).stream().findFirst();
    }

    /** Newest first, run numbers below {@code beforeRunNumber} (0 = from the newest). */
    public List<JobRecord> runs(UUID templateId, int limit, long beforeRunNumber) {
        return jdbc.query("""
                SELECT * FROM jobs WHERE template_id = :id AND (:before = 0 OR run_number < :before)
                ORDER BY run_number DESC LIMIT :limit""",
                Map.of("id", templateId, "limit", limit, "before", beforeRunNumber), JobRecord::map);
    }

    /** Counts and durations over every run of the template (see TemplateStats in templates.proto). */
    public TemplateStats stats(UUID templateId) {
        TemplateStats.Builder stats = jdbc.queryForObject("""
                SELECT count(*) AS runs,
                       count(*) FILTER (WHERE state = 'SUCCEEDED') AS succeeded,
                       count(*) FILTER (WHERE state IN ('FAILED', 'TIMED_OUT')) AS failed,
                       count(*) FILTER (WHERE state = 'CANCELLED') AS cancelled,
                       count(*) FILTER (WHERE state IN (:active)) AS active,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at))
                           FILTER (WHERE finished_at IS NOT NULL AND started_at IS NOT NULL) AS median,
                       percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at))
                           FILTER (WHERE finished_at IS NOT NULL AND started_at IS NOT NULL) AS p95
                FROM jobs WHERE template_id = :id""",
                new MapSqlParameterSource("id", templateId).addValue("active", activeStates()), (rs, i) -> {
                    long succeeded = rs.getLong("succeeded");
                    long failed = rs.getLong("failed");
                    return TemplateStats.newBuilder()
                            .setRuns(rs.getLong("runs"))
                            .setSucceeded(succeeded)
                            .setFailed(failed)
                            .setCancelled(rs.getLong("cancelled"))
                            .setActive(rs.getLong("active"))
                            .setSuccessRate(succeeded + failed == 0 ? 0 : (double) succeeded / (succeeded + failed))
                            .setDurationMedianSeconds(rs.getDouble("median"))
                            .setDurationP95Seconds(rs.getDouble("p95"));
                });
        runs(templateId, 1, 0).stream().findFirst().ifPresent(last -> stats
                .setLastRunState(last.state().toProto())
                .setLastRunNumber(last.run().getRunNumber())
                .setLastRunJobId(last.id().toString()));
        return stats.build();
    }

    private static List<String> activeStates() {
        return java.util.Arrays.stream(JobState.values()).filter(s -> !s.isTerminal()).map(Enum::name).toList();
    }

    private TemplateRow row(ResultSet rs, int i) throws SQLException {
        try {
            return new TemplateRow(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("status"),
                    json.readValue(rs.getString("labels"), LABELS), rs.getInt("latest_version"),
                    rs.getLong("last_run_number"), rs.getTimestamp("created_at").toInstant(),
                    rs.getTimestamp("updated_at").toInstant(), rs.getString("namespace"), rs.getString("created_by"),
                    rs.getString("updated_by"));
        } catch (JsonProcessingException e) {
            throw new SQLException("templates.labels is not a JSON object", e);
        }
    }

    private static TemplateDefinition parse(byte[] bytes) throws SQLException {
        try {
            return TemplateDefinition.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new SQLException("template_versions.definition is not a hodei.v1.TemplateDefinition", e);
        }
    }

    /** The UUID {@code ref} spells, or null when it is a name. */
    public static UUID asUuid(String ref) {
        try {
            return UUID.fromString(ref);
        } catch (IllegalArgumentException e) {
            return null;
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
