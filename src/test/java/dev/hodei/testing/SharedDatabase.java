package dev.hodei.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One PostgreSQL for several control planes ({@link ServerProcess#replicas}), as an operator runs
 * them: each is given its URL and the one secrets key they must share.
 */
public final class SharedDatabase implements AutoCloseable {

    private final EmbeddedPostgres pg;
    private final int port;
    private final String secretsKey;

    public SharedDatabase() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        secretsKey = Base64.getEncoder().encodeToString(key);
        pg = EmbeddedPostgres.builder().setPort(port).start();
    }

    /** The server arguments that point a control plane at this database, then {@code more}. */
    public List<String> serverArgs(String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                "--spring.datasource.username=postgres",
                "--hodei.secrets.key=" + secretsKey));
        args.addAll(List.of(more));
        return args;
    }

    /** A connection of the test's own, to look at the rows. */
    public Connection connect() throws SQLException {
        return pg.getPostgresDatabase().getConnection();
    }

    @Override
    public void close() throws IOException {
        pg.close();
    }
}
