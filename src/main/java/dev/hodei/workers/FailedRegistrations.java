package dev.hodei.workers;

import dev.hodei.server.HodeiProperties;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Failed agent registrations per peer address, in a fixed window. A peer over the limit is
 * refused before any database work, so guessing tokens costs the database nothing. Memory is
 * bounded: at most {@link #MAX_PEERS} addresses are kept, the least recently seen forgotten first.
 */
@Component
public class FailedRegistrations {

    static final int MAX_PEERS = 10_000;

    private static final class Window {
        long start;
        int failures;
    }

    private final int limit;
    private final long windowNanos;
    private final LongSupplier clock;
    private final Map<String, Window> peers = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
            return size() > MAX_PEERS;
        }
    };

    @Autowired
    public FailedRegistrations(HodeiProperties props) {
        this(props.workers().maxFailedRegistrations(), props.workers().failedRegistrationsWindow().toNanos(),
                System::nanoTime);
    }

    FailedRegistrations(int limit, long windowNanos, LongSupplier clock) {
        this.limit = limit;
        this.windowNanos = windowNanos;
        this.clock = clock;
    }

    /** Whether the peer has used up its failures for the current window. */
    public synchronized boolean blocked(String peer) {
        Window w = current(peer, false);
        return w != null && w.failures >= limit;
    }

    public synchronized void failed(String peer) {
        current(peer, true).failures++;
    }

    synchronized int tracked() {
        return peers.size();
    }

    private Window current(String peer, boolean create) {
        long now = clock.getAsLong();
        Window w = peers.get(peer);
        if (w != null && now - w.start >= windowNanos) {
            peers.remove(peer);
            w = null;
        }
        if (w == null && create) {
            w = new Window();
            w.start = now;
            peers.put(peer, w);
        }
        return w;
    }
}
