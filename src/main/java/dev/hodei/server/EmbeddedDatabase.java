package dev.hodei.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * With no datasource URL configured, the server runs its own PostgreSQL (real binaries from
 * Maven Central) whose data lives under {@code <hodei.home>/pgdata} and survives restarts.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.datasource.url:}'.isEmpty()")
public class EmbeddedDatabase {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    /** Held while this server owns {@code <hodei.home>}: a second server on the same home is refused. */
    @Bean(destroyMethod = "close")
    HomeLock homeLock(HodeiProperties props) throws IOException {
        return HomeLock.acquire(props.home());
    }

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(HodeiProperties props, HomeLock lock) throws IOException {
        Path dataDir = props.home().resolve("pgdata");
        Files.createDirectories(dataDir);
        stopOrphanedPostgres(dataDir);
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                // zonky turns synchronous_commit off; a committed job must survive a crash of the machine.
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "100")
                .start();
        log.info("Embedded PostgreSQL on 127.0.0.1:{}, data in {}", pg.getPort(), dataDir);
        return pg;
    }

    /**
     * A server killed with SIGKILL leaves its PostgreSQL running on the data directory. We hold the
     * home lock, so no live server owns it: stop it (fast shutdown) before starting our own.
     */
    static void stopOrphanedPostgres(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) return;
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        } catch (RuntimeException e) {
            return; // unreadable: PostgreSQL itself will judge the stale file
        }
        var orphan = ProcessHandle.of(pid).filter(p -> p.info().command().orElse("").contains("postgres"));
        if (orphan.isEmpty()) return;
        log.warn("PostgreSQL {} left by a previous server still runs on {}; stopping it", pid, dataDir);
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(pid)).start().waitFor();
            orphan.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            orphan.get().destroyForcibly();
        }
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(EmbeddedPostgres pg,
                          @Value("${spring.datasource.hikari.connection-timeout:5000}") long connectionTimeoutMs) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(pg.getJdbcUrl("postgres", "postgres"));
        config.setConnectionTimeout(connectionTimeoutMs);
        config.setMaximumPoolSize(20);
        config.setPoolName("hodei-embedded");
        return new HikariDataSource(config);
    }
}
