package dev.hodei.cluster;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * Connections held for as long as the replica lives (a LISTEN, an advisory lock), opened beside
 * the pool so they never take one of its slots: same URL and credentials.
 */
@Component
public class DedicatedConnections {

    private final DataSource dataSource;

    public DedicatedConnections(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A connection named {@code name} in pg_stat_activity (which replica holds a lock, listens). */
    public Connection open(String name) throws SQLException {
        Connection c;
        if (dataSource instanceof HikariDataSource h && h.getJdbcUrl() != null) {
            c = DriverManager.getConnection(h.getJdbcUrl(), h.getUsername(), h.getPassword());
        } else {
            c = dataSource.unwrap(DataSource.class).getConnection();
        }
        c.setAutoCommit(true);
        try (var s = c.prepareStatement("SELECT set_config('application_name', ?, false)")) {
            s.setString(1, name.length() > 63 ? name.substring(0, 63) : name);
            s.execute();
        }
        return c;
    }
}
