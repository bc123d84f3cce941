package dev.hodei.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.support.cluster.AbstractCamelClusterService;
import org.apache.camel.support.cluster.AbstractCamelClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel's cluster service on PostgreSQL advisory locks: the leader of a namespace is the replica
 * whose session holds {@code pg_try_advisory_lock(hashtext(namespace))}. The lock lives with the
 * holder's connection, so a replica that dies (or loses its database) loses it at once and another
 * takes it within {@code checkEvery}. A holder checks its connection every {@code checkEvery}
 * and steps down when it cannot: it never acts on a leadership the database no longer gives it.
 */
public class AdvisoryLockClusterService extends AbstractCamelClusterService<AdvisoryLockClusterService.View> {

    private static final Logger log = LoggerFactory.getLogger(AdvisoryLockClusterService.class);

    private final DedicatedConnections connections;
    private final String replicaName;
    private final Duration checkEvery;
    private ScheduledExecutorService timer;

    public AdvisoryLockClusterService(DedicatedConnections connections, String replicaName, Duration checkEvery) {
        super("hodei-advisory-locks");
        this.connections = connections;
        this.replicaName = replicaName;
        this.checkEvery = checkEvery;
    }

    @Override
    protected void doStart() throws Exception {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "leadership");
            t.setDaemon(true);
            return t;
        });
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        if (timer != null) timer.shutdownNow();
    }

    @Override
    protected View createView(String namespace) {
        return new View(namespace);
    }

    /** One namespace's leadership, as this replica sees it. */
    public final class View extends AbstractCamelClusterView {
        private final Member local = new Member();
        private Connection holding; // guarded by this
        private java.util.concurrent.ScheduledFuture<?> task;

        View(String namespace) {
            super(AdvisoryLockClusterService.this, namespace);
        }

        @Override
        protected void doStart() {
            task = timer.scheduleWithFixedDelay(this::check, 0, checkEvery.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        protected synchronized void doStop() {
            if (task != null) task.cancel(false);
            release();
        }

        private synchronized void check() {
            try {
                if (holding == null) {
                    Connection c = connections.open("hodei " + replicaName + " " + getNamespace());
                    if (tryLock(c)) {
                        holding = c;
                        log.info("Replica {} leads {}", replicaName, getNamespace());
                        fireLeadershipChangedEvent(local);
                    } else {
                        c.close();
                    }
                } else if (!holding.isValid((int) Math.max(1, checkEvery.toSeconds()))) {
                    throw new SQLException("the connection holding the lock is gone");
                }
            } catch (SQLException | RuntimeException e) {
                if (holding != null) {
                    log.warn("Replica {} steps down from {}: {}", replicaName, getNamespace(), e.getMessage());
                    release();
                }
            }
        }

        private boolean tryLock(Connection c) throws SQLException {
            try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
                s.setString(1, "hodei:" + getNamespace());
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() && rs.getBoolean(1);
                }
            }
        }

        private void release() {
            Connection c = holding;
            holding = null;
            if (c == null) return;
            fireLeadershipChangedEvent(Optional.empty());
            try {
                c.close(); // ends the session, and with it the lock
            } catch (SQLException ignored) {
                // gone already
            }
        }

        @Override
        public synchronized Optional<CamelClusterMember> getLeader() {
            return holding != null ? Optional.of(local) : Optional.empty();
        }

        @Override
        public CamelClusterMember getLocalMember() {
            return local;
        }

        @Override
        public List<CamelClusterMember> getMembers() {
            return List.of(local);
        }

        private final class Member implements CamelClusterMember {
            @Override
            public boolean isLeader() {
                synchronized (View.this) {
                    return holding != null;
                }
            }

            @Override
            public boolean isLocal() {
                return true;
            }

            @Override
            public String getId() {
                return replicaName;
            }
        }
    }
}
