package dev.hodei.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM exiting with the embedded PostgreSQL: its other shutdown hooks (Spring's closing the
 * context) still reach the database, which is stopped once they are done.
 */
class PostgresLifetimeIT {

    @Test
    void aShutdownHookStillQueriesTheDatabaseAndTheDatabaseIsStoppedAfterIt(@TempDir Path home) throws Exception {
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp", System.getProperty("java.class.path"), ExitingServer.class.getName(), home.toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("jvm.log").toFile()).start();
        try {
            assertThat(jvm.waitFor(120, TimeUnit.SECONDS)).as("the JVM exits").isTrue();
        } finally {
            jvm.destroyForcibly();
        }
        String out = Files.readString(home.resolve("jvm.log"));

        assertThat(out).contains("late query: 1");
        long pid = Long.parseLong(out.lines().filter(l -> l.startsWith("postmaster ")).findFirst()
                .orElseThrow(() -> new AssertionError(out)).substring("postmaster ".length()).strip());
        await("PostgreSQL " + pid + " stopped").atMost(Duration.ofSeconds(30))
                .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        assertThat(home.resolve("pgdata").resolve("postmaster.pid")).doesNotExist();
    }

    /** Starts the server's PostgreSQL, then exits; a hook of its own queries it for a second on the way out. */
    public static final class ExitingServer {
        public static void main(String[] args) throws Exception {
            PostgresLifetime db = new PostgresLifetime(EmbeddedDatabase.start(Path.of(args[0])));
            System.out.println("postmaster " + Files.readAllLines(Path.of(args[0], "pgdata", "postmaster.pid")).get(0));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (Connection c = db.postgres().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                    // as long as a context's close may take: zonky's own hook stopped the database within it
                    var rs = s.executeQuery("SELECT 1 FROM pg_sleep(1)");
                    rs.next();
                    System.out.println("late query: " + rs.getInt(1));
                    db.close();
                } catch (Exception e) {
                    System.out.println("late query failed: " + e);
                }
            }));
            System.exit(0);
        }
    }
}
