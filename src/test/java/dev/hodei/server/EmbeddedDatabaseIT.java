package dev.hodei.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hodei.testing.ControlPlaneIT;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The embedded PostgreSQL's superuser needs the password in {@code <home>/db.password}. */
class EmbeddedDatabaseIT extends ControlPlaneIT {

    @Autowired EmbeddedPostgres pg;
    @Autowired HodeiProperties props;

    @Test
    void theSuperuserNeedsThePasswordFromTheOwnerOnlyFile() throws Exception {
        Path file = props.home().resolve("db.password");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertRefusedWithoutPassword(pg.getPort());
        assertThatThrownBy(() -> connect(pg.getPort(), "not-the-password").close()).isInstanceOf(SQLException.class);
        try (Connection c = connect(pg.getPort(), Files.readString(file).trim())) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    @Test
    void aDataDirectoryFromBeforeThePasswordIsMigratedAtStart() throws Exception {
        Path home = Files.createDirectories(Path.of("target", "test-home", "trust-" + UUID.randomUUID()).toAbsolutePath());
        // what earlier versions left: zonky's initdb -A trust, no password
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(home.resolve("pgdata")).setCleanDataDirectory(false).start();
             Connection c = old.getPostgresDatabase().getConnection()) {
            c.createStatement().execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
        }
        assertThat(PgHba.trusts(home.resolve("pgdata"))).isTrue();

        for (int start = 0; start < 2; start++) { // migrated, then a plain restart
            try (EmbeddedPostgres migrated = EmbeddedDatabase.start(home)) {
                assertRefusedWithoutPassword(migrated.getPort());
                try (Connection c = connect(migrated.getPort(), Files.readString(home.resolve("db.password")).trim());
                     var rs = c.createStatement().executeQuery("SELECT v FROM kept")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("still here");
                }
            }
            assertThat(PgHba.trusts(home.resolve("pgdata"))).isFalse();
        }

        Files.delete(home.resolve("db.password"));
        assertThatThrownBy(() -> EmbeddedDatabase.start(home)).hasMessageContaining("db.password").hasMessageContaining("missing");
    }

    private static void assertRefusedWithoutPassword(int port) {
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres").close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password");
    }

    private static Connection connect(int port, String password) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres&password=" + password);
    }
}
