package dev.hodei.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hodei.server.HodeiProperties;
import dev.hodei.testing.ControlPlaneIT;
import dev.hodei.testing.TestClient;
import hodei.v1.AuditEntry;
import hodei.v1.CancelJobRequest;
import hodei.v1.CreateTokenRequest;
import hodei.v1.Job;
import hodei.v1.JobEvent;
import hodei.v1.JobSpec;
import hodei.v1.ListAuditRequest;
import hodei.v1.RevokeTokenRequest;
import hodei.v1.Role;
import hodei.v1.SubmitJobRequest;
import hodei.v1.SubmitJobResponse;
import hodei.v1.WhoAmIRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Tokens end to end: who may call, what is recorded of who did what, what is never stored. */
class ApiTokensIT extends ControlPlaneIT {

    @Autowired HodeiProperties props;

    private String token(String name, Role role, String... namespaces) {
        return client.tokens().createToken(CreateTokenRequest.newBuilder().setName(name).setRole(role)
                .addAllNamespaces(List.of(namespaces)).build()).getSecret();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static JobSpec quick() {
        return JobSpec.newBuilder().setShell("true").setProvider("broken").setMaxAttempts(1).build();
    }

    @Test
    void theLocalAdminTokenIsReadableByTheServersUserOnlyAndOnlyItsHashIsStored() throws Exception {
        var file = props.home().resolve(LocalAdminToken.FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String secret = Files.readString(file).strip();
        assertThat(client.tokens().whoAmI(WhoAmIRequest.getDefaultInstance()).getRole()).isEqualTo(Role.ROLE_ADMIN);

        String created = token(unique("stored"), Role.ROLE_VIEWER, "default");
        List<String> rows = jdbc.queryForList("SELECT concat_ws(' ', id, name, token_hash, role, namespaces::text, "
                + "created_by) FROM api_tokens", String.class);
        assertThat(String.join("\n", rows)).doesNotContain(secret).doesNotContain(created);
    }

    @Test
    void aRevokedTokenIsRefusedAtOnceAndTheRefusalIsAuditedWithoutTheToken() {
        String name = unique("revoked");
        String secret = token(name, Role.ROLE_SUBMITTER, "default");
        try (TestClient user = new TestClient(grpc.port(), secret)) {
            assertThat(user.submit(quick()).getSubmittedBy()).isEqualTo(name);
            client.tokens().revokeToken(RevokeTokenRequest.newBuilder().setToken(name).build());
            assertThatThrownBy(() -> user.submit(quick()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        }
        List<AuditEntry> audit = client.audit().listAudit(ListAuditRequest.newBuilder().setPageSize(500).build())
                .getEntriesList();
        assertThat(audit).anySatisfy(e -> {
            assertThat(e.getOutcome()).isEqualTo("UNAUTHENTICATED");
            assertThat(e.getRpc()).isEqualTo("hodei.v1.JobService/SubmitJob");
            assertThat(e.getPeer()).startsWith("127.0.0.1:");
        });
        assertThat(audit).anySatisfy(e -> assertThat(e.getReason()).isEqualTo("revoked token " + name));
        assertThat(audit).allSatisfy(e -> assertThat(e.toString()).doesNotContain(secret));
    }

    @Test
    void aRefusedAgentRegistrationIsInTheAuditAdminsRead() {
        String worker = UUID.randomUUID().toString();
        assertThat(dev.hodei.testing.RawAgent.register(client.channel(), UUID.fromString(worker), "guessed-otp-value"))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(client.audit().listAudit(ListAuditRequest.newBuilder().setPageSize(500).build()).getEntriesList())
                        .anySatisfy(e -> {
                            assertThat(e.getPrincipal()).isEqualTo("worker " + worker);
                            assertThat(e.getRpc()).isEqualTo("hodei.v1.WorkerAgentService/Connect");
                            assertThat(e.getOutcome()).isEqualTo("REFUSED");
                            assertThat(e.getReason()).doesNotContain("guessed-otp-value");
                        }));
    }

    @Test
    void anExpiredTokenIsRefused() {
        String secret = client.tokens().createToken(CreateTokenRequest.newBuilder().setName(unique("short"))
                .setRole(Role.ROLE_VIEWER).addNamespaces("default").setTtlSeconds(1).build()).getSecret();
        try (TestClient user = new TestClient(grpc.port(), secret)) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThatThrownBy(() -> user.tokens().whoAmI(WhoAmIRequest.getDefaultInstance()))
                            .hasMessageContaining("UNAUTHENTICATED"));
        }
    }

    @Test
    void aRoleOrNamespaceRefusalIsAuditedWithThePrincipal() {
        String name = unique("viewer");
        try (TestClient viewer = new TestClient(grpc.port(), token(name, Role.ROLE_VIEWER, "team-a"))) {
            assertThatThrownBy(() -> viewer.submit(quick())).hasMessageContaining("PERMISSION_DENIED");
            Job other = client.submit(quick());
            assertThatThrownBy(() -> viewer.get(other.getId())).hasMessageContaining("may not use namespace default");
        }
        assertThat(client.audit().listAudit(ListAuditRequest.newBuilder().setPageSize(500).build()).getEntriesList())
                .filteredOn(e -> e.getPrincipal().equals(name)).extracting(AuditEntry::getRpc)
                .contains("hodei.v1.JobService/SubmitJob", "hodei.v1.JobService/GetJob");
    }

    @Test
    void jobsAndTheirEventsRecordWhoSubmittedAndWhoCancelled() {
        String submitter = unique("alice");
        String canceller = unique("bob");
        Job job;
        try (TestClient alice = new TestClient(grpc.port(), token(submitter, Role.ROLE_SUBMITTER, "default"));
             TestClient bob = new TestClient(grpc.port(), token(canceller, Role.ROLE_SUBMITTER, "default"))) {
            job = alice.submit(JobSpec.newBuilder().setShell("sleep 300").build());
            bob.jobs().cancelJob(CancelJobRequest.newBuilder().setId(job.getId()).setReason("not needed").build());
        }
        Job done = client.awaitEnd(job.getId());
        assertThat(done.getSubmittedBy()).isEqualTo(submitter);
        assertThat(done.getCancelledBy()).isEqualTo(canceller);
        assertThat(done.getNamespace()).isEqualTo("default");
        List<JobEvent> events = client.events(job.getId());
        assertThat(events.get(0).getPrincipal()).isEqualTo(submitter);
        assertThat(events).filteredOn(e -> e.getToState() == hodei.v1.JobState.JOB_STATE_CANCELLED)
                .singleElement().satisfies(e -> assertThat(e.getPrincipal()).isEqualTo(canceller));
    }

    @Test
    void idempotencyKeysAreScopedToTheNamespaceAndAKeyReusedForAnotherSpecIsRefused() {
        String key = unique("key");
        try (TestClient a = new TestClient(grpc.port(), token(unique("ns-a"), Role.ROLE_SUBMITTER, "ns-a"));
             TestClient b = new TestClient(grpc.port(), token(unique("ns-b"), Role.ROLE_SUBMITTER, "ns-b"))) {
            SubmitJobResponse first = a.jobs().submitJob(SubmitJobRequest.newBuilder().setNamespace("ns-a")
                    .setIdempotencyKey(key).setSpec(quick()).build());
            SubmitJobResponse retried = a.jobs().submitJob(SubmitJobRequest.newBuilder().setNamespace("ns-a")
                    .setIdempotencyKey(key).setSpec(quick()).build());
            assertThat(retried.getCreated()).isFalse();
            assertThat(retried.getJob().getId()).isEqualTo(first.getJob().getId());

            // another team's first use of the same key is its own job, not the first team's
            SubmitJobResponse other = b.jobs().submitJob(SubmitJobRequest.newBuilder().setNamespace("ns-b")
                    .setIdempotencyKey(key).setSpec(quick()).build());
            assertThat(other.getCreated()).isTrue();
            assertThat(other.getJob().getId()).isNotEqualTo(first.getJob().getId());

            assertThatThrownBy(() -> a.jobs().submitJob(SubmitJobRequest.newBuilder().setNamespace("ns-a")
                    .setIdempotencyKey(key).setSpec(quick().toBuilder().setShell("rm -rf /tmp/x")).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
                        assertThat(e.getStatus().getDescription()).contains(first.getJob().getId());
                    });
        }
    }

    @Test
    void aClientCannotTakeTheKeysOfTheServersOwnRuns() {
        assertThatThrownBy(() -> client.jobs().submitJob(SubmitJobRequest.newBuilder()
                .setIdempotencyKey("schedule:" + UUID.randomUUID() + ":1893456000").setSpec(quick()).build()))
                .hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("reserved");
    }

    @Test
    void aTemplateRunKeyReusedWithOtherParametersIsRefused() {
        String name = unique("keyed");
        client.templates().createTemplate(hodei.v1.CreateTemplateRequest.newBuilder().setDefinition(
                hodei.v1.TemplateDefinition.newBuilder().setName(name)
                        .addParameters(hodei.v1.Parameter.newBuilder().setName("REGION").setType("string").setRequired(true))
                        .setJob(quick())).build());
        String key = unique("run-key");
        java.util.function.Function<String, hodei.v1.RunTemplateRequest> run = region -> hodei.v1.RunTemplateRequest
                .newBuilder().setTemplate(name).setIdempotencyKey(key).putParameters("REGION", region).build();
        Job first = client.templates().runTemplate(run.apply("eu"));
        assertThat(client.templates().runTemplate(run.apply("eu")).getId()).isEqualTo(first.getId());
        assertThatThrownBy(() -> client.templates().runTemplate(run.apply("us")))
                .hasMessageContaining("ALREADY_EXISTS").hasMessageContaining(first.getId());
    }

    @Test
    void badTokenRequestsAreRefusedWithTheFieldNamed() {
        assertThatThrownBy(() -> client.tokens().createToken(CreateTokenRequest.newBuilder().setName("Bad Name")
                .setRole(Role.ROLE_VIEWER).addNamespaces("default").build())).hasMessageContaining("name:");
        assertThatThrownBy(() -> client.tokens().createToken(CreateTokenRequest.newBuilder().setName(unique("nons"))
                .setRole(Role.ROLE_VIEWER).build())).hasMessageContaining("namespaces:");
        assertThatThrownBy(() -> client.tokens().createToken(CreateTokenRequest.newBuilder().setName(unique("norole"))
                .addNamespaces("default").build())).hasMessageContaining("role:");
        assertThatThrownBy(() -> client.jobs().submitJob(SubmitJobRequest.newBuilder().setNamespace("Not_A_Namespace")
                .setSpec(quick()).build())).hasMessageContaining("namespace:");
    }
}
