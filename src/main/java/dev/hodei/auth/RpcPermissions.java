package dev.hodei.auth;

import hodei.v1.AuditServiceGrpc;
import hodei.v1.JobServiceGrpc;
import hodei.v1.TemplateServiceGrpc;
import hodei.v1.TokenServiceGrpc;
import hodei.v1.WorkerAgentServiceGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.health.v1.HealthGrpc;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What each RPC needs, in one table. A method missing here is refused (fail closed), and the
 * authorisation matrix test fails for it. Namespaces are checked by the services, which know the
 * namespace of what a request touches.
 */
public final class RpcPermissions {

    /** What a call must present. */
    public sealed interface Rule permits Needs, AnyToken, AgentCredential, Anyone {}

    /** A valid token whose role grants the permission. */
    public record Needs(Permission permission) implements Rule {}

    /** Any valid token. */
    public record AnyToken() implements Rule {}

    /** Not a client call: the agent's stream authenticates itself with its one-time or session token. */
    public record AgentCredential() implements Rule {}

    /** No credential: probes carry none, and the answer is only SERVING or NOT_SERVING. */
    public record Anyone() implements Rule {}

    private static final Map<String, Rule> RULES = new HashMap<>();

    static {
        needs(JobServiceGrpc.getSubmitJobMethod(), Permission.SUBMIT);
        needs(JobServiceGrpc.getSubmitJobsMethod(), Permission.SUBMIT);
        needs(JobServiceGrpc.getGetJobMethod(), Permission.READ);
        needs(JobServiceGrpc.getListJobsMethod(), Permission.READ);
        needs(JobServiceGrpc.getGetQueueMethod(), Permission.READ);
        needs(JobServiceGrpc.getCancelJobMethod(), Permission.SUBMIT);
        needs(JobServiceGrpc.getStreamLogsMethod(), Permission.READ);
        needs(JobServiceGrpc.getWatchJobMethod(), Permission.READ);

        needs(TemplateServiceGrpc.getCreateTemplateMethod(), Permission.MANAGE);
        needs(TemplateServiceGrpc.getUpdateTemplateMethod(), Permission.MANAGE);
        needs(TemplateServiceGrpc.getGetTemplateMethod(), Permission.READ);
        needs(TemplateServiceGrpc.getListTemplatesMethod(), Permission.READ);
        needs(TemplateServiceGrpc.getSetTemplateStatusMethod(), Permission.MANAGE);
        needs(TemplateServiceGrpc.getDeleteTemplateMethod(), Permission.MANAGE);
        needs(TemplateServiceGrpc.getRunTemplateMethod(), Permission.SUBMIT);
        needs(TemplateServiceGrpc.getRetryRunMethod(), Permission.SUBMIT);
        needs(TemplateServiceGrpc.getListRunsMethod(), Permission.READ);
        needs(TemplateServiceGrpc.getCreateScheduleMethod(), Permission.MANAGE);
        needs(TemplateServiceGrpc.getGetScheduleMethod(), Permission.READ);
        needs(TemplateServiceGrpc.getListSchedulesMethod(), Permission.READ);
        needs(TemplateServiceGrpc.getSetScheduleEnabledMethod(), Permission.MANAGE);
        needs(TemplateServiceGrpc.getDeleteScheduleMethod(), Permission.MANAGE);
        needs(TemplateServiceGrpc.getRunScheduleNowMethod(), Permission.MANAGE);
        needs(TemplateServiceGrpc.getNextFireTimesMethod(), Permission.READ);

        needs(TokenServiceGrpc.getCreateTokenMethod(), Permission.ADMIN);
        needs(TokenServiceGrpc.getListTokensMethod(), Permission.ADMIN);
        needs(TokenServiceGrpc.getRevokeTokenMethod(), Permission.ADMIN);
        RULES.put(TokenServiceGrpc.getWhoAmIMethod().getFullMethodName(), new AnyToken());
        needs(AuditServiceGrpc.getListAuditMethod(), Permission.ADMIN);

        RULES.put(WorkerAgentServiceGrpc.getConnectMethod().getFullMethodName(), new AgentCredential());

        RULES.put(HealthGrpc.getCheckMethod().getFullMethodName(), new Anyone());
        RULES.put(HealthGrpc.getWatchMethod().getFullMethodName(), new Anyone());
        // the schema is no secret, but who reads it is a caller like any other
        RULES.put(io.grpc.reflection.v1.ServerReflectionGrpc.getServerReflectionInfoMethod().getFullMethodName(), new AnyToken());
        RULES.put(io.grpc.reflection.v1alpha.ServerReflectionGrpc.getServerReflectionInfoMethod().getFullMethodName(),
                new AnyToken());
    }

    private RpcPermissions() {}

    private static void needs(MethodDescriptor<?, ?> method, Permission p) {
        RULES.put(method.getFullMethodName(), new Needs(p));
    }

    public static Optional<Rule> of(String fullMethodName) {
        return Optional.ofNullable(RULES.get(fullMethodName));
    }
}
