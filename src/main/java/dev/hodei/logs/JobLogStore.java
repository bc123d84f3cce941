package dev.hodei.logs;

import dev.hodei.jobs.JobRecord;
import dev.hodei.jobs.JobSignals;
import hodei.v1.LogBatch;
import hodei.v1.LogChunk;
import hodei.v1.LogStream;
import com.google.protobuf.ByteString;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/** {@code job_logs}: output chunks with gapless per-job sequence numbers, assigned here in arrival order. */
@Repository
public class JobLogStore {

    private static final Logger log = LoggerFactory.getLogger(JobLogStore.class);

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final JobSignals signals;

    public JobLogStore(NamedParameterJdbcTemplate jdbc, TransactionTemplate tx, JobSignals signals) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.signals = signals;
    }

    /** Route {@code job-logs}: stores an agent's batch, if that worker runs that job. */
    public long append(UUID workerId, LogBatch batch) {
        return append(UUID.fromString(batch.getJobId()), workerId, batch.getAttempt(), batch.getChunksList());
    }

    /** Appends the chunks in order; returns the last sequence number stored (0 if refused or empty). */
    public long append(UUID jobId, UUID workerId, int attempt, List<LogChunk> chunks) {
        List<LogChunk> nonEmpty = chunks.stream().filter(c -> !c.getData().isEmpty()).toList();
        if (nonEmpty.isEmpty()) return 0;
        long bytes = nonEmpty.stream().mapToLong(c -> c.getData().size()).sum();
        Long last = tx.execute(status -> {
            // Reserving the range on the job row serialises appends per job, so sequences stay gapless.
            Long end = jdbc.query("""
                    UPDATE jobs SET log_seq = log_seq + :n, log_bytes = log_bytes + :bytes
                    WHERE id = :id AND worker_id = :worker RETURNING log_seq""",
                    Map.of("n", nonEmpty.size(), "bytes", bytes, "id", jobId, "worker", workerId), (rs, i) -> rs.getLong(1)).stream().findFirst().orElse(null);
            if (end == null) return null; // not this worker's job: refused
            long seq = end - nonEmpty.size();
            Timestamp now = Timestamp.from(Instant.now());
            List<MapSqlParameterSource> rows = new ArrayList<>(nonEmpty.size());
            for (LogChunk c : nonEmpty) {
                rows.add(new MapSqlParameterSource()
                        .addValue("job", jobId).addValue("seq", ++seq).addValue("attempt", attempt)
                        .addValue("stream", c.getStream() == LogStream.LOG_STREAM_STDERR ? 2 : 1)
                        .addValue("data", c.getData().toByteArray()).addValue("at", now));
            }
            jdbc.batchUpdate("INSERT INTO job_logs (job_id, seq, attempt, stream, data, at) "
                    + "VALUES (:job, :seq, :attempt, :stream, :data, :at)", rows.toArray(MapSqlParameterSource[]::new));
            return end;
        });
        if (last == null) {
            log.warn("Dropped {} log chunk(s) for job {} from worker {}, which does not run it", nonEmpty.size(), jobId, workerId);
            return 0;
        }
        signals.signal(jobId);
        return last;
    }

    /** Up to {@code limit} chunks with sequence ≥ {@code fromSeq}, in order. */
    public List<LogChunk> read(UUID jobId, long fromSeq, int limit) {
        return jdbc.query("""
                SELECT seq, stream, data, at FROM job_logs
                WHERE job_id = :id AND seq >= :from ORDER BY seq LIMIT :limit""",
                Map.of("id", jobId, "from", fromSeq, "limit", limit),
                (rs, i) -> LogChunk.newBuilder()
                        .setSequence(rs.getLong("seq"))
                        .setStream(rs.getInt("stream") == 2 ? LogStream.LOG_STREAM_STDERR : LogStream.LOG_STREAM_STDOUT)
                        .setData(ByteString.copyFrom(rs.getBytes("data")))
                        .setTime(JobRecord.timestamp(rs.getTimestamp("at").toInstant()))
                        .build());
    }
}
