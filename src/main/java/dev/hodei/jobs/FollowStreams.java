package dev.hodei.jobs;

import dev.hodei.server.HodeiProperties;
import io.grpc.Status;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The streams that follow a job (WatchJob, StreamLogs): each holds a thread and polls the database
 * while open, so there are at most {@code hodei.jobs.max-follow-streams} on this server and
 * {@code max-follow-streams-per-caller} for one caller; beyond, RESOURCE_EXHAUSTED.
 */
@Component
public class FollowStreams {

    /** One open stream's place, given back when it ends. */
    public interface Lease extends AutoCloseable {
        @Override
        void close();
    }

    private final int max;
    private final int perCaller;
    private final Semaphore open;
    private final ConcurrentHashMap<String, AtomicInteger> byCaller = new ConcurrentHashMap<>();

    @Autowired
    public FollowStreams(HodeiProperties props) {
        this(props.jobs().maxFollowStreams(), props.jobs().maxFollowStreamsPerCaller());
    }

    FollowStreams(int max, int perCaller) {
        this.max = max;
        this.perCaller = perCaller;
        this.open = new Semaphore(max);
    }

    /** A place for one more stream of {@code caller}, or RESOURCE_EXHAUSTED saying which limit is reached. */
    public Lease open(String caller) {
        AtomicInteger mine = byCaller.computeIfAbsent(caller, c -> new AtomicInteger());
        if (mine.incrementAndGet() > perCaller) {
            mine.decrementAndGet();
            throw Status.RESOURCE_EXHAUSTED.withDescription("streams following jobs: at most " + perCaller
                    + " open for one caller (hodei.jobs.max-follow-streams-per-caller); close one first").asRuntimeException();
        }
        if (!open.tryAcquire()) {
            mine.decrementAndGet();
            throw Status.RESOURCE_EXHAUSTED.withDescription("streams following jobs: at most " + max
                    + " open on this server (hodei.jobs.max-follow-streams); try again later").asRuntimeException();
        }
        AtomicInteger given = new AtomicInteger(1);
        return () -> {
            if (given.getAndSet(0) == 1) { // once, however often it is closed
                open.release();
                mine.decrementAndGet();
            }
        };
    }
}
