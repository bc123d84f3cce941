package dev.hodei.jobs;

import dev.hodei.server.HodeiProperties;
import dev.hodei.server.ProtoTime;
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

    private final long maxLogBytes;

    public JobLogStore(NamedParameterJdbcTemplate jdbc, TransactionTemplate tx, JobSignals signals,
                       HodeiProperties props) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.signals = signals;
        this.maxLogBytes = props.jobs().maxLogBytes();
    }

    /**
     * Route {@code job-logs}: stores an agent's batch if that worker runs that attempt. Chunks the
     * server already has (an agent resending after a reconnect) are skipped; output past
     * {@code hodei.jobs.max-log-bytes} is replaced by one truncation marker.
     *
     * @return the last sequence number stored, 0 if nothing was
     */
    public long append(UUID workerId, LogBatch batch) {
        UUID jobId = UUID.fromString(batch.getJobId());
        Long last = tx.execute(status -> {
            // Locking the job row serialises appends per job, so sequences stay gapless.
            var state = jdbc.query("""
                    SELECT agent_chunks, log_seq, log_bytes, log_truncated FROM jobs
                    WHERE id = :id AND worker_id = :worker AND attempt = :attempt FOR UPDATE""",
                    Map.of("id", jobId, "worker", workerId, "attempt", batch.getAttempt()),
                    (rs, i) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getBoolean(4) ? 1 : 0});
            if (state.isEmpty()) return null;
            long stored = state.get(0)[0];
            long seq = state.get(0)[1];
            long bytes = state.get(0)[2];
            boolean truncated = state.get(0)[3] == 1;
            int skip = (int) Math.max(0, Math.min(batch.getChunksCount(), stored - batch.getFirstChunk()));
            List<MapSqlParameterSource> rows = new ArrayList<>();
            Timestamp now = Timestamp.from(Instant.now());
            for (LogChunk c : batch.getChunksList().subList(skip, batch.getChunksCount())) {
                if (truncated || c.getData().isEmpty()) continue;
                ByteString data = c.getData();
                int stream = c.getStream() == LogStream.LOG_STREAM_STDERR ? 2 : 1;
                if (bytes + data.size() > maxLogBytes) {
                    data = data.substring(0, (int) (maxLogBytes - bytes));
                    if (!data.isEmpty()) rows.add(row(jobId, ++seq, batch.getAttempt(), stream, data, now));
                    rows.add(row(jobId, ++seq, batch.getAttempt(), 2, ByteString.copyFromUtf8(
                            "\n[hodei: output truncated at " + maxLogBytes + " bytes; the rest was discarded]\n"), now));
                    bytes = maxLogBytes;
                    truncated = true;
                    continue;
                }
                bytes += data.size();
                rows.add(row(jobId, ++seq, batch.getAttempt(), stream, data, now));
            }
            jdbc.update("""
                    UPDATE jobs SET log_seq = :seq, log_bytes = :bytes, log_truncated = :truncated,
                           agent_chunks = GREATEST(agent_chunks, :chunks)
                    WHERE id = :id""", new MapSqlParameterSource().addValue("seq", seq).addValue("bytes", bytes)
                    .addValue("truncated", truncated).addValue("id", jobId)
                    .addValue("chunks", batch.getFirstChunk() + batch.getChunksCount()));
            if (!rows.isEmpty()) {
                jdbc.batchUpdate("INSERT INTO job_logs (job_id, seq, attempt, stream, data, at) "
                        + "VALUES (:job, :seq, :attempt, :stream, :data, :at)", rows.toArray(MapSqlParameterSource[]::new));
            }
            return seq;
        });
        if (last == null) {
            log.warn("Dropped {} log chunk(s) for job {} from worker {}, which does not run that attempt",
                    batch.getChunksCount(), jobId, workerId);
            return 0;
        }
        signals.signal(jobId);
        return last;
    }

    /** How many output chunks of the job's current attempt are stored, if the worker runs it. */
    public long chunksStored(UUID jobId, UUID workerId) {
        return jdbc.queryForList("SELECT agent_chunks FROM jobs WHERE id = :id AND worker_id = :worker",
                Map.of("id", jobId, "worker", workerId), Long.class).stream().findFirst().orElse(0L);
    }

    private static MapSqlParameterSource row(UUID jobId, long seq, int attempt, int stream, ByteString data, Timestamp at) {
        return new MapSqlParameterSource().addValue("job", jobId).addValue("seq", seq).addValue("attempt", attempt)
                .addValue("stream", stream).addValue("data", data.toByteArray()).addValue("at", at);
    }

    /** Up to {@code limit} chunks with sequence ≥ {@code fromSeq}, in order; of one attempt unless it is 0. */
    public List<LogChunk> read(UUID jobId, long fromSeq, int limit, int attempt) {
        return jdbc.query("""
                SELECT seq, attempt, stream, data, at FROM job_logs
                WHERE job_id = :id AND seq >= :from AND (:attempt = 0 OR attempt = :attempt)
                ORDER BY seq LIMIT :limit""",
                Map.of("id", jobId, "from", fromSeq, "limit", limit, "attempt", attempt),
                (rs, i) -> LogChunk.newBuilder()
                        .setSequence(rs.getLong("seq"))
                        .setAttempt(rs.getInt("attempt"))
                        .setStream(rs.getInt("stream") == 2 ? LogStream.LOG_STREAM_STDERR : LogStream.LOG_STREAM_STDOUT)
                        .setData(ByteString.copyFrom(rs.getBytes("data")))
                        .setTime(ProtoTime.of(rs.getTimestamp("at").toInstant()))
                        .build());
    }
}
