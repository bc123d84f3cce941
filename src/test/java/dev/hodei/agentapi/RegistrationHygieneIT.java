package dev.hodei.agentapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hodei.server.GrpcServer;
import dev.hodei.testing.RawAgent;
import dev.hodei.testing.TestClient;
import dev.hodei.testing.TlsControlPlaneInitializer;
import dev.hodei.testing.TlsControlPlaneTest;
import dev.hodei.workers.BootstrapTokens;
import hodei.v1.Job;
import hodei.v1.JobState;
import io.grpc.Status;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Agent streams before registration: a silent one is closed after the register timeout (1 s
 * here), and a peer that fails 10 times within the window (10 s here) is refused at once.
 */
@TlsControlPlaneTest
class RegistrationHygieneIT {

    @Autowired GrpcServer grpc;
    @Autowired JdbcTemplate jdbc;
    @Autowired BootstrapTokens tokens;
    TestClient client;

    @BeforeEach
    void connect() {
        client = TestClient.mtls(grpc.port(), TlsControlPlaneInitializer.TLS);
    }

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void aStreamThatNeverRegistersIsClosed() {
        long before = events("registration-timeout");

        Status ended = RawAgent.silent(client.channel()).orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();

        assertThat(ended.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        await().atMost(Duration.ofSeconds(5)).until(() -> events("registration-timeout") == before + 1);
    }

    @Test
    void aPeerWithTooManyFailedRegistrationsIsRefusedAtOnceEvenWithAGoodToken() {
        Job job = client.awaitEnd(client.submit("true").getId());
        assertThat(job.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        UUID workerId = UUID.fromString(job.getWorkerId());
        String guess = BootstrapTokens.newSecret();
        // from loopback, failures count per claimed worker: someone guessing this worker's token
        int refused = 0;
        Status.Code answer;
        while ((answer = RawAgent.register(client.channel(), workerId, guess)) == Status.Code.UNAUTHENTICATED) {
            refused++;
            assertThat(refused).as("refused one by one").isLessThanOrEqualTo(10);
        }
        assertThat(answer).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        long throttled = events("registration-throttled");
        // a token that is valid: not even looked at
        String good = tokens.issue(workerId, UUID.fromString(job.getId()));

        assertThat(RawAgent.register(client.channel(), workerId, good)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

        assertThat(jdbc.queryForObject("SELECT consumed_at IS NULL FROM worker_bootstrap_tokens WHERE token_hash = ?",
                Boolean.class, BootstrapTokens.hash(good))).as("the token was not consumed").isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> events("registration-throttled") >= throttled + 1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM auth_events WHERE detail LIKE ? OR detail LIKE ?",
                Long.class, "%" + guess + "%", "%" + good + "%")).as("no token in auth_events").isZero();
        // the window ends (10 s here): the peer may try again, and the next test's agents register
        await().atMost(Duration.ofSeconds(20)).until(() ->
                RawAgent.register(client.channel(), UUID.randomUUID(), guess) == Status.Code.UNAUTHENTICATED);
    }

    private long events(String kind) {
        return jdbc.queryForObject("SELECT count(*) FROM auth_events WHERE kind = ?", Long.class, kind);
    }
}
