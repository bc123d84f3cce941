package dev.hodei.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.PGConnection;

/**
 * With no datasource URL configured, the server runs its own PostgreSQL (real binaries from
 * Maven Central) whose data lives under {@code <hodei.home>/pgdata} and survives restarts. Its
 * superuser needs the password in {@code <hodei.home>/db.password} on every connection.
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
    PostgresLifetime postgresLifetime(HodeiProperties props, HomeLock lock) throws IOException, SQLException {
        return new PostgresLifetime(start(props.home()));
    }

    /** Stopped by {@link PostgresLifetime}, which outlives every bean that uses it. */
    @Bean(destroyMethod = "")
    EmbeddedPostgres embeddedPostgres(PostgresLifetime lifetime) {
        return lifetime.postgres();
    }

    /** Starts PostgreSQL on {@code <home>/pgdata}, made or brought to password authentication first. */
    static EmbeddedPostgres start(Path home) throws IOException, SQLException {
        Path dataDir = home.resolve("pgdata");
        Files.createDirectories(dataDir);
        stopOrphanedPostgres(dataDir);
        boolean fresh = !Files.exists(dataDir.resolve("postgresql.conf")); // zonky's own test for running initdb
        boolean trusting = !fresh && PgHba.trusts(dataDir);
        if (!fresh && !trusting && !Files.exists(home.resolve(PasswordFile.DATABASE))) {
            throw new IllegalStateException(dataDir + " requires the password kept in " + home.resolve(PasswordFile.DATABASE)
                    + ", which is missing; restore that file");
        }
        Path passwordFile = PasswordFile.ensure(home, PasswordFile.DATABASE);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                // zonky turns synchronous_commit off; a committed job must survive a crash of the machine.
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "100")
                .setConnectConfig("password", PasswordFile.read(passwordFile));
        if (fresh) {
            // zonky runs initdb -A trust; these later options win: SCRAM from the first start on
            builder.setLocaleConfig("auth", "scram-sha-256").setLocaleConfig("pwfile", passwordFile.toString());
        }
        removeWhatItLeaves(Path.of(System.getProperty("java.io.tmpdir")), DISTRIBUTION_PROBE,
                io.zonky.test.db.postgres.util.LinuxUtils::getDistributionName);
        EmbeddedPostgres pg = builder.start();
        if (trusting) {
            try {
                requirePassword(pg, dataDir, passwordFile);
            } catch (IOException | SQLException | RuntimeException e) {
                pg.close();
                throw e;
            }
        }
        log.info("Embedded PostgreSQL on 127.0.0.1:{}, data in {}, password in {}", pg.getPort(), dataDir, passwordFile);
        return pg;
    }

    // zonky's LinuxUtils copies this script to the temporary folder when it loads (once per JVM)
    // and never removes it: every `hodei server` or `bench` start left one in /tmp
    static final String DISTRIBUTION_PROBE = "detect_linux_distribution_*.sh";

    /** Runs {@code step}, then removes the files matching {@code glob} in {@code dir} that it made. */
    static void removeWhatItLeaves(Path dir, String glob, Runnable step) throws IOException {
        Set<Path> before = matching(dir, glob);
        step.run();
        for (Path left : matching(dir, glob)) {
            if (!before.contains(left)) Files.deleteIfExists(left);
        }
    }

    private static Set<Path> matching(Path dir, String glob) throws IOException {
        Set<Path> found = new HashSet<>();
        if (!Files.isDirectory(dir)) return found;
        try (var files = Files.newDirectoryStream(dir, glob)) {
            files.forEach(found::add);
        }
        return found;
    }

    /**
     * A data directory from before the password: give the superuser the password (sent as a SCRAM
     * verifier, never in clear) while pg_hba.conf still trusts, then require it and reload. A crash
     * in between leaves pg_hba.conf trusting, and the next start does it again.
     */
    private static void requirePassword(EmbeddedPostgres pg, Path dataDir, Path passwordFile) throws IOException, SQLException {
        try (Connection c = pg.getPostgresDatabase().getConnection()) {
            c.unwrap(PGConnection.class).alterUserPassword("postgres", PasswordFile.read(passwordFile).toCharArray(), "scram-sha-256");
            PgHba.requirePassword(dataDir);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_reload_conf()");
            }
        }
        log.warn("{} let local connections in without a password; it now requires the one in {}", dataDir.resolve("pg_hba.conf"), passwordFile);
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
                          HodeiProperties props,
                          @Value("${spring.datasource.hikari.connection-timeout:5000}") long connectionTimeoutMs) throws IOException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(pg.getJdbcUrl("postgres", "postgres"));
        config.setPassword(PasswordFile.read(props.home().resolve(PasswordFile.DATABASE)));
        config.setConnectionTimeout(connectionTimeoutMs);
        config.setMaximumPoolSize(20);
        config.setPoolName("hodei-embedded");
        return new HikariDataSource(config);
    }
}
