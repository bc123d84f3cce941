package dev.hodei.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import dev.hodei.testing.ControlPlaneIT;
import dev.hodei.testing.RawAgent;
import dev.hodei.testing.TestClient;
import hodei.v1.AuditServiceGrpc;
import hodei.v1.CancelJobRequest;
import hodei.v1.CreateScheduleRequest;
import hodei.v1.CreateTemplateRequest;
import hodei.v1.CreateTokenRequest;
import hodei.v1.DeleteScheduleRequest;
import hodei.v1.DeleteTemplateRequest;
import hodei.v1.GetJobRequest;
import hodei.v1.GetScheduleRequest;
import hodei.v1.GetTemplateRequest;
import hodei.v1.JobServiceGrpc;
import hodei.v1.JobSpec;
import hodei.v1.ListAuditRequest;
import hodei.v1.ListJobsRequest;
import hodei.v1.ListRunsRequest;
import hodei.v1.ListSchedulesRequest;
import hodei.v1.ListTemplatesRequest;
import hodei.v1.ListTokensRequest;
import hodei.v1.NextFireTimesRequest;
import hodei.v1.RetryRunRequest;
import hodei.v1.RevokeTokenRequest;
import hodei.v1.Role;
import hodei.v1.RunScheduleNowRequest;
import hodei.v1.RunTemplateRequest;
import hodei.v1.SetScheduleEnabledRequest;
import hodei.v1.SetTemplateStatusRequest;
import hodei.v1.StreamLogsRequest;
import hodei.v1.SubmitJobRequest;
import hodei.v1.TemplateDefinition;
import hodei.v1.TemplateServiceGrpc;
import hodei.v1.TemplateStatus;
import hodei.v1.TokenServiceGrpc;
import hodei.v1.UpdateTemplateRequest;
import hodei.v1.WatchJobRequest;
import hodei.v1.WhoAmIRequest;
import hodei.v1.WorkerAgentServiceGrpc;
import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Every RPC of every service the server offers × {no token, bad token, each role, wrong namespace}
 * → the expected status. The table below is the authorisation policy as a reader should see it;
 * an RPC without a row fails the test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationMatrixIT extends ControlPlaneIT {

    static final String NS = "matrix-a";
    static final String OTHER_NS = "matrix-b";

    /** Who calls. */
    enum Who { NO_TOKEN, BAD_TOKEN, VIEWER, SUBMITTER, OPERATOR, ADMIN, OTHER_NAMESPACE }

    /**
     * The least role an RPC needs ("anyone": no credential at all; "any": any valid token; "agent":
     * its own credential), and whether it is per namespace.
     */
    record Row(String minimum, boolean namespaced) {}

    static final Map<String, Row> POLICY = new LinkedHashMap<>();

    static {
        row(JobServiceGrpc.getSubmitJobMethod(), "submitter", true);
        row(JobServiceGrpc.getSubmitJobsMethod(), "submitter", true);
        row(JobServiceGrpc.getGetJobMethod(), "viewer", true);
        row(JobServiceGrpc.getListJobsMethod(), "viewer", false);
        row(JobServiceGrpc.getCancelJobMethod(), "submitter", true);
        row(JobServiceGrpc.getStreamLogsMethod(), "viewer", true);
        row(JobServiceGrpc.getWatchJobMethod(), "viewer", true);
        row(JobServiceGrpc.getGetQueueMethod(), "viewer", false);
        row(TemplateServiceGrpc.getCreateTemplateMethod(), "operator", true);
        row(TemplateServiceGrpc.getUpdateTemplateMethod(), "operator", true);
        row(TemplateServiceGrpc.getGetTemplateMethod(), "viewer", true);
        row(TemplateServiceGrpc.getListTemplatesMethod(), "viewer", false);
        row(TemplateServiceGrpc.getSetTemplateStatusMethod(), "operator", true);
        row(TemplateServiceGrpc.getDeleteTemplateMethod(), "operator", true);
        row(TemplateServiceGrpc.getRunTemplateMethod(), "submitter", true);
        row(TemplateServiceGrpc.getRetryRunMethod(), "submitter", true);
        row(TemplateServiceGrpc.getListRunsMethod(), "viewer", true);
        row(TemplateServiceGrpc.getCreateScheduleMethod(), "operator", true);
        row(TemplateServiceGrpc.getGetScheduleMethod(), "viewer", true);
        row(TemplateServiceGrpc.getListSchedulesMethod(), "viewer", false);
        row(TemplateServiceGrpc.getSetScheduleEnabledMethod(), "operator", true);
        row(TemplateServiceGrpc.getDeleteScheduleMethod(), "operator", true);
        row(TemplateServiceGrpc.getRunScheduleNowMethod(), "operator", true);
        row(TemplateServiceGrpc.getNextFireTimesMethod(), "viewer", true);
        row(TokenServiceGrpc.getCreateTokenMethod(), "admin", false);
        row(TokenServiceGrpc.getListTokensMethod(), "admin", false);
        row(TokenServiceGrpc.getRevokeTokenMethod(), "admin", false);
        row(TokenServiceGrpc.getWhoAmIMethod(), "any", false);
        row(AuditServiceGrpc.getListAuditMethod(), "admin", false);
        row(WorkerAgentServiceGrpc.getConnectMethod(), "agent", false);
        row(HealthGrpc.getCheckMethod(), "anyone", false);
        row(HealthGrpc.getWatchMethod(), "anyone", false);
        row(io.grpc.reflection.v1.ServerReflectionGrpc.getServerReflectionInfoMethod(), "any", false);
        row(io.grpc.reflection.v1alpha.ServerReflectionGrpc.getServerReflectionInfoMethod(), "any", false);
    }

    static void row(MethodDescriptor<?, ?> m, String minimum, boolean namespaced) {
        POLICY.put(m.getFullMethodName(), new Row(minimum, namespaced));
    }

    @Autowired List<BindableService> services;

    private final Map<Who, String> tokens = new LinkedHashMap<>();
    private TestClient admin;
    private String templateName;
    private String scheduleName;

    @BeforeAll
    void tokensAndFixtures() {
        admin = new TestClient(grpc.port());
        tokens.put(Who.BAD_TOKEN, "hodei_not-a-real-token");
        tokens.put(Who.VIEWER, token("viewer", Role.ROLE_VIEWER, NS));
        tokens.put(Who.SUBMITTER, token("submitter", Role.ROLE_SUBMITTER, NS));
        tokens.put(Who.OPERATOR, token("operator", Role.ROLE_OPERATOR, NS));
        tokens.put(Who.ADMIN, token("admin", Role.ROLE_ADMIN));
        // an operator, so only the namespace can refuse it
        tokens.put(Who.OTHER_NAMESPACE, token("other", Role.ROLE_OPERATOR, OTHER_NS));
        templateName = newTemplate();
        scheduleName = newSchedule(templateName);
        admin.templates().runTemplate(RunTemplateRequest.newBuilder().setTemplate(templateName).build());
    }

    private String token(String name, Role role, String... namespaces) {
        return admin.tokens().createToken(CreateTokenRequest.newBuilder().setName("matrix-" + name + "-" + suffix())
                .setRole(role).addAllNamespaces(List.of(namespaces)).build()).getSecret();
    }

    @Test
    void everyRpcOfEveryServiceHasAnEntry() {
        List<String> offered = new ArrayList<>();
        services.forEach(s -> s.bindService().getServiceDescriptor().getMethods()
                .forEach(m -> offered.add(m.getFullMethodName())));
        assertThat(POLICY.keySet()).containsExactlyInAnyOrderElementsOf(offered);
        assertThat(offered).allSatisfy(rpc -> assertThat(RpcPermissions.of(rpc)).as(rpc).isPresent());
    }

    @Test
    void eachCallerGetsWhatThePolicySays() {
        List<String> mismatches = new ArrayList<>();
        for (var entry : POLICY.entrySet()) {
            for (Who who : Who.values()) {
                Status.Code expected = expected(entry.getValue(), who);
                Status.Code actual = call(entry.getKey(), who);
                boolean ok = expected == Status.Code.OK
                        ? actual != Status.Code.UNAUTHENTICATED && actual != Status.Code.PERMISSION_DENIED
                        : actual == expected;
                if (!ok) mismatches.add(entry.getKey() + " as " + who + ": expected " + expected + ", got " + actual);
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void listsShowOnlyTheCallersNamespaces() {
        try (TestClient other = new TestClient(grpc.port(), tokens.get(Who.OTHER_NAMESPACE))) {
            assertThat(other.jobs().listJobs(ListJobsRequest.newBuilder().setPageSize(500).build()).getJobsList())
                    .noneMatch(j -> j.getNamespace().equals(NS));
            assertThat(other.templates().listTemplates(ListTemplatesRequest.getDefaultInstance()).getTemplatesList())
                    .noneMatch(t -> t.getName().equals(templateName));
            assertThat(other.templates().listSchedules(ListSchedulesRequest.getDefaultInstance()).getSchedulesList())
                    .noneMatch(s -> s.getName().equals(scheduleName));
        }
        try (TestClient viewer = new TestClient(grpc.port(), tokens.get(Who.VIEWER))) {
            assertThat(viewer.jobs().listJobs(ListJobsRequest.newBuilder().setPageSize(500).build()).getJobsList())
                    .isNotEmpty().allMatch(j -> j.getNamespace().equals(NS));
            assertThat(viewer.templates().listTemplates(ListTemplatesRequest.getDefaultInstance()).getTemplatesList())
                    .extracting(t -> t.getName()).contains(templateName);
        }
    }

    private static Status.Code expected(Row row, Who who) {
        if (row.minimum().equals("anyone")) return Status.Code.OK;
        if (who == Who.NO_TOKEN || who == Who.BAD_TOKEN) return Status.Code.UNAUTHENTICATED;
        if (row.minimum().equals("agent")) return Status.Code.UNAUTHENTICATED; // a bogus one-time token, whoever sends it
        if (row.minimum().equals("any")) return Status.Code.OK;
        List<String> order = List.of("viewer", "submitter", "operator", "admin");
        String role = who == Who.OTHER_NAMESPACE ? "operator" : who.name().toLowerCase();
        if (order.indexOf(role) < order.indexOf(row.minimum())) return Status.Code.PERMISSION_DENIED;
        if (who == Who.OTHER_NAMESPACE && row.namespaced()) return Status.Code.PERMISSION_DENIED;
        return Status.Code.OK;
    }

    /** Calls {@code rpc} as {@code who} with a valid request for the fixtures; returns the status code. */
    private Status.Code call(String rpc, Who who) {
        try (TestClient c = new TestClient(grpc.port(), tokens.get(who))) {
            // the agents' stream: a made-up one-time token is refused whatever bearer token comes with it
            if (rpc.equals(WorkerAgentServiceGrpc.getConnectMethod().getFullMethodName())) {
                return RawAgent.register(c.channel(), UUID.randomUUID(), "not-a-real-otp");
            }
            Supplier<Message> request = requests().get(rpc);
            assertThat(request).as("a request for " + rpc).isNotNull();
            MethodDescriptor<Message, Message> method = method(rpc);
            CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS);
            if (rpc.equals(HealthGrpc.getWatchMethod().getFullMethodName())) {
                // a watch never ends: its first status is the answer
                ClientCalls.blockingServerStreamingCall(c.channel(), method, options, request.get()).next();
            } else if (method.getType() == MethodDescriptor.MethodType.BIDI_STREAMING) {
                firstReply(c.channel().newCall(method, options), request.get());
            } else if (method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING) {
                var it = ClientCalls.blockingServerStreamingCall(c.channel(), method, options, request.get());
                while (it.hasNext()) it.next();
            } else {
                ClientCalls.blockingUnaryCall(c.channel(), method, options, request.get());
            }
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    /** Reflection's stream: one request, its first reply or the call's refusal. */
    private static void firstReply(io.grpc.ClientCall<Message, Message> call, Message request) {
        java.util.concurrent.CompletableFuture<Message> reply = new java.util.concurrent.CompletableFuture<>();
        var requests = ClientCalls.asyncBidiStreamingCall(call, new io.grpc.stub.StreamObserver<Message>() {
            @Override public void onNext(Message m) { reply.complete(m); }
            @Override public void onError(Throwable t) { reply.completeExceptionally(t); }
            @Override public void onCompleted() { reply.completeExceptionally(new AssertionError("no reply")); }
        });
        requests.onNext(request);
        try {
            reply.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException s) throw s;
            throw new AssertionError(e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            requests.onCompleted();
        }
    }

    @SuppressWarnings("unchecked")
    private MethodDescriptor<Message, Message> method(String rpc) {
        for (BindableService s : services) {
            for (var m : s.bindService().getMethods()) {
                if (m.getMethodDescriptor().getFullMethodName().equals(rpc)) {
                    return (MethodDescriptor<Message, Message>) m.getMethodDescriptor();
                }
            }
        }
        throw new AssertionError("no method " + rpc);
    }

    /** A valid request per RPC; destructive ones get a fixture of their own, so every caller meets the same state. */
    private Map<String, Supplier<Message>> requests() {
        Map<String, Supplier<Message>> r = new LinkedHashMap<>();
        r.put(JobServiceGrpc.getSubmitJobMethod().getFullMethodName(), () -> SubmitJobRequest.newBuilder()
                .setNamespace(NS).setSpec(unrunnable()).build());
        r.put(JobServiceGrpc.getSubmitJobsMethod().getFullMethodName(), () -> hodei.v1.SubmitJobsRequest.newBuilder()
                .addJobs(SubmitJobRequest.newBuilder().setNamespace(NS).setSpec(unrunnable())).build());
        r.put(JobServiceGrpc.getGetJobMethod().getFullMethodName(), () -> GetJobRequest.newBuilder().setId(newJob()).build());
        r.put(JobServiceGrpc.getListJobsMethod().getFullMethodName(), ListJobsRequest::getDefaultInstance);
        r.put(JobServiceGrpc.getGetQueueMethod().getFullMethodName(), hodei.v1.GetQueueRequest::getDefaultInstance);
        r.put(JobServiceGrpc.getCancelJobMethod().getFullMethodName(), () -> CancelJobRequest.newBuilder().setId(newJob()).build());
        r.put(JobServiceGrpc.getStreamLogsMethod().getFullMethodName(), () -> StreamLogsRequest.newBuilder().setJobId(newJob()).build());
        r.put(JobServiceGrpc.getWatchJobMethod().getFullMethodName(), () -> WatchJobRequest.newBuilder().setJobId(newJob())
                .setHistoryOnly(true).build());
        r.put(TemplateServiceGrpc.getCreateTemplateMethod().getFullMethodName(), () -> CreateTemplateRequest.newBuilder()
                .setNamespace(NS).setDefinition(definition("matrix-" + suffix())).build());
        r.put(TemplateServiceGrpc.getUpdateTemplateMethod().getFullMethodName(), () -> UpdateTemplateRequest.newBuilder()
                .setTemplate(templateName).setDefinition(definition(templateName)).build());
        r.put(TemplateServiceGrpc.getGetTemplateMethod().getFullMethodName(), () -> GetTemplateRequest.newBuilder()
                .setTemplate(templateName).build());
        r.put(TemplateServiceGrpc.getListTemplatesMethod().getFullMethodName(), ListTemplatesRequest::getDefaultInstance);
        r.put(TemplateServiceGrpc.getSetTemplateStatusMethod().getFullMethodName(), () -> SetTemplateStatusRequest.newBuilder()
                .setTemplate(templateName).setStatus(TemplateStatus.TEMPLATE_STATUS_ACTIVE).build());
        r.put(TemplateServiceGrpc.getDeleteTemplateMethod().getFullMethodName(), () -> DeleteTemplateRequest.newBuilder()
                .setTemplate(newTemplate()).build());
        r.put(TemplateServiceGrpc.getRunTemplateMethod().getFullMethodName(), () -> RunTemplateRequest.newBuilder()
                .setTemplate(templateName).build());
        r.put(TemplateServiceGrpc.getRetryRunMethod().getFullMethodName(), () -> RetryRunRequest.newBuilder()
                .setTemplate(templateName).setRunNumber(1).build());
        r.put(TemplateServiceGrpc.getListRunsMethod().getFullMethodName(), () -> ListRunsRequest.newBuilder()
                .setTemplate(templateName).build());
        r.put(TemplateServiceGrpc.getCreateScheduleMethod().getFullMethodName(), () -> scheduleRequest(templateName));
        r.put(TemplateServiceGrpc.getGetScheduleMethod().getFullMethodName(), () -> GetScheduleRequest.newBuilder()
                .setSchedule(scheduleName).build());
        r.put(TemplateServiceGrpc.getListSchedulesMethod().getFullMethodName(), ListSchedulesRequest::getDefaultInstance);
        r.put(TemplateServiceGrpc.getSetScheduleEnabledMethod().getFullMethodName(), () -> SetScheduleEnabledRequest.newBuilder()
                .setSchedule(scheduleName).setEnabled(true).build());
        r.put(TemplateServiceGrpc.getDeleteScheduleMethod().getFullMethodName(), () -> DeleteScheduleRequest.newBuilder()
                .setSchedule(newSchedule(templateName)).build());
        r.put(TemplateServiceGrpc.getRunScheduleNowMethod().getFullMethodName(), () -> RunScheduleNowRequest.newBuilder()
                .setSchedule(scheduleName).build());
        r.put(TemplateServiceGrpc.getNextFireTimesMethod().getFullMethodName(), () -> NextFireTimesRequest.newBuilder()
                .setSchedule(scheduleName).build());
        r.put(TokenServiceGrpc.getCreateTokenMethod().getFullMethodName(), () -> CreateTokenRequest.newBuilder()
                .setName("matrix-new-" + suffix()).setRole(Role.ROLE_VIEWER).addNamespaces(NS).build());
        r.put(TokenServiceGrpc.getListTokensMethod().getFullMethodName(), ListTokensRequest::getDefaultInstance);
        r.put(TokenServiceGrpc.getRevokeTokenMethod().getFullMethodName(), () -> RevokeTokenRequest.newBuilder()
                .setToken(admin.tokens().createToken(CreateTokenRequest.newBuilder().setName("matrix-doomed-" + suffix())
                        .setRole(Role.ROLE_VIEWER).addNamespaces(NS).build()).getToken().getName()).build());
        r.put(TokenServiceGrpc.getWhoAmIMethod().getFullMethodName(), WhoAmIRequest::getDefaultInstance);
        r.put(AuditServiceGrpc.getListAuditMethod().getFullMethodName(), ListAuditRequest::getDefaultInstance);
        r.put(HealthGrpc.getCheckMethod().getFullMethodName(), io.grpc.health.v1.HealthCheckRequest::getDefaultInstance);
        r.put(HealthGrpc.getWatchMethod().getFullMethodName(), io.grpc.health.v1.HealthCheckRequest::getDefaultInstance);
        r.put(io.grpc.reflection.v1.ServerReflectionGrpc.getServerReflectionInfoMethod().getFullMethodName(),
                () -> io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("*").build());
        r.put(io.grpc.reflection.v1alpha.ServerReflectionGrpc.getServerReflectionInfoMethod().getFullMethodName(),
                () -> io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("*").build());
        return r;
    }

    /** A job that never starts a worker: its provider fails at once. */
    private static JobSpec unrunnable() {
        return JobSpec.newBuilder().setShell("true").setProvider("broken").setMaxAttempts(1).build();
    }

    private String newJob() {
        return admin.jobs().submitJob(SubmitJobRequest.newBuilder().setNamespace(NS).setSpec(unrunnable()).build())
                .getJob().getId();
    }

    private static TemplateDefinition definition(String name) {
        return TemplateDefinition.newBuilder().setName(name).setJob(unrunnable()).build();
    }

    private String newTemplate() {
        String name = "matrix-" + suffix();
        admin.templates().createTemplate(CreateTemplateRequest.newBuilder().setNamespace(NS)
                .setDefinition(definition(name)).build());
        return name;
    }

    private static CreateScheduleRequest scheduleRequest(String template) {
        // never fires during the test: new year's midnight of 2099
        return CreateScheduleRequest.newBuilder().setName("matrix-" + suffix()).setTemplate(template)
                .setCron("0 0 0 1 1 ? 2099").build();
    }

    private String newSchedule(String template) {
        return admin.templates().createSchedule(scheduleRequest(template)).getName();
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
