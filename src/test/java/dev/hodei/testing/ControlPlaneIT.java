package dev.hodei.testing;

import dev.hodei.server.ControlPlaneIdentity;
import dev.hodei.server.GrpcServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Base of the end-to-end tests on the shared control plane ({@link ControlPlaneTest}): a gRPC
 * client per test, the database (through {@link Rows} where no API shows it), and a check that no
 * agent of this control plane outlives a class.
 */
@ControlPlaneTest
public abstract class ControlPlaneIT {

    @Autowired protected GrpcServer grpc;
    @Autowired protected JdbcTemplate jdbc;
    @Autowired protected ControlPlaneIdentity identity;

    protected TestClient client;
    protected Rows rows;

    @BeforeEach
    void connectClient() {
        client = new TestClient(grpc.port());
        rows = new Rows(jdbc);
    }

    @AfterEach
    void closeClient() {
        if (client != null) client.close();
    }

    @AfterAll
    static void noAgentLeft(@Autowired ControlPlaneIdentity identity) {
        Agents.assertNoneLeft(identity.instanceId());
    }
}
