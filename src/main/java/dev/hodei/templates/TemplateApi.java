package dev.hodei.templates;

import dev.hodei.auth.Caller;
import dev.hodei.auth.Namespaces;
import dev.hodei.auth.Permission;
import dev.hodei.jobs.JobRecord;
import dev.hodei.jobs.JobSpecValidator;
import dev.hodei.jobs.Labels;
import dev.hodei.server.ClientText;
import dev.hodei.routes.LifecycleRoutes;
import dev.hodei.server.PageSize;
import dev.hodei.server.ProtoTime;
import dev.hodei.server.UnaryResponse;
import hodei.v1.CreateTemplateRequest;
import hodei.v1.DeleteTemplateRequest;
import hodei.v1.DeleteTemplateResponse;
import hodei.v1.GetTemplateRequest;
import hodei.v1.Job;
import hodei.v1.ListRunsRequest;
import hodei.v1.ListRunsResponse;
import hodei.v1.ListTemplatesRequest;
import hodei.v1.ListTemplatesResponse;
import hodei.v1.RetryRunRequest;
import hodei.v1.RunTemplateRequest;
import hodei.v1.SetTemplateStatusRequest;
import hodei.v1.Template;
import hodei.v1.TemplateDefinition;
import hodei.v1.TemplateServiceGrpc;
import hodei.v1.TemplateStatus;
import hodei.v1.UpdateTemplateRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The template RPCs of {@code hodei.v1.TemplateService}: templates, their versions and runs. The
 * schedule RPCs are the schedules package's, which binds both halves into the one service.
 */
@Component
public class TemplateApi implements TemplateServiceGrpc.AsyncService {

    private static final Logger log = LoggerFactory.getLogger(TemplateApi.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    static final int MAX_DESCRIPTION_CHARS = 4096;
    static final int MAX_TRIGGERED_BY = 200;

    private final TemplateStore templates;
    private final TemplateRuns runs;
    private final JobSpecValidator jobValidator;
    private final TransactionTemplate tx;
    private final LifecycleRoutes routes;
    private final ApplicationEventPublisher events;

    public TemplateApi(TemplateStore templates, TemplateRuns runs, JobSpecValidator jobValidator, TransactionTemplate tx,
                       LifecycleRoutes routes, ApplicationEventPublisher events) {
        this.templates = templates;
        this.runs = runs;
        this.jobValidator = jobValidator;
        this.tx = tx;
        this.routes = routes;
        this.events = events;
    }

    @Override
    public void createTemplate(CreateTemplateRequest request, StreamObserver<Template> response) {
        UnaryResponse.send(response, () -> {
            Caller caller = Caller.current();
            String namespace = Namespaces.of(request.getNamespace(), "namespace");
            caller.require(Permission.MANAGE, namespace);
            TemplateDefinition def = request.getDefinition();
            checkDefinition(def);
            UUID id = UUID.randomUUID();
            Boolean created = tx.execute(s -> templates.create(id, def, namespace, caller.name()));
            if (!Boolean.TRUE.equals(created)) {
                throw Status.ALREADY_EXISTS.withDescription("definition.name: a template named " + def.getName()
                        + " exists; update it to add a version").asRuntimeException();
            }
            log.info("Template {} created", def.getName());
            return toProto(existing(id.toString()), 0);
        });
    }

    @Override
    public void updateTemplate(UpdateTemplateRequest request, StreamObserver<Template> response) {
        UnaryResponse.send(response, () -> {
            TemplateStore.TemplateRow t = existing(request.getTemplate(), Permission.MANAGE);
            TemplateDefinition def = request.getDefinition();
            if (!def.getName().isEmpty() && !def.getName().equals(t.name())) {
                throw Status.INVALID_ARGUMENT.withDescription("definition.name: " + ClientText.quote(def.getName())
                        + " differs from the template's name " + t.name() + " (names do not change)").asRuntimeException();
            }
            def = def.toBuilder().setName(t.name()).build();
            checkDefinition(def);
            if (t.status().equals("ARCHIVED")) {
                throw Status.FAILED_PRECONDITION.withDescription("template " + t.name() + " is archived").asRuntimeException();
            }
            TemplateDefinition accepted = def;
            Integer version = tx.execute(s -> {
                templates.lock(t.id());
                return templates.addVersion(t.id(), accepted, Caller.current().name());
            });
            log.info("Template {} updated to version {}", t.name(), version);
            return toProto(existing(t.id().toString()), 0);
        });
    }

    @Override
    public void getTemplate(GetTemplateRequest request, StreamObserver<Template> response) {
        UnaryResponse.send(response, () -> toProto(existing(request.getTemplate(), Permission.READ), request.getVersion()));
    }

    @Override
    public void listTemplates(ListTemplatesRequest request, StreamObserver<ListTemplatesResponse> response) {
        UnaryResponse.send(response, () -> {
            int size = PageSize.of(request.getPageSize());
            if (request.getStatusesList().contains(TemplateStatus.UNRECOGNIZED)) {
                throw Status.INVALID_ARGUMENT.withDescription("statuses: give ACTIVE, DISABLED or ARCHIVED").asRuntimeException();
            }
            List<String> filter = new ArrayList<>();
            Labels.check(request.getLabelsMap(), "labels", filter);
            if (!filter.isEmpty()) throw Status.INVALID_ARGUMENT.withDescription(ClientText.violations(filter)).asRuntimeException();
            List<String> statuses = request.getStatusesList().stream()
                    .filter(s -> s != TemplateStatus.TEMPLATE_STATUS_UNSPECIFIED).distinct()
                    .map(s -> s.name().substring("TEMPLATE_STATUS_".length())).toList();
            if (statuses.isEmpty()) statuses = List.of("ACTIVE", "DISABLED");
            String after = request.getPageToken().isEmpty() ? null
                    : new String(decode(request.getPageToken()), StandardCharsets.UTF_8);
            List<TemplateStore.TemplateRow> page = templates.list(statuses, request.getLabelsMap(), size + 1, after,
                    Caller.current().readable(request.getNamespace()));
            ListTemplatesResponse.Builder out = ListTemplatesResponse.newBuilder();
            page.stream().limit(size).forEach(t -> out.addTemplates(toProto(t, 0)));
            if (page.size() > size) {
                out.setNextPageToken(Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(page.get(size - 1).name().getBytes(StandardCharsets.UTF_8)));
            }
            return out.build();
        });
    }

    @Override
    public void setTemplateStatus(SetTemplateStatusRequest request, StreamObserver<Template> response) {
        UnaryResponse.send(response, () -> {
            TemplateStore.TemplateRow t = existing(request.getTemplate(), Permission.MANAGE);
            if (request.getStatus() == TemplateStatus.TEMPLATE_STATUS_UNSPECIFIED
                    || request.getStatus() == TemplateStatus.UNRECOGNIZED) {
                throw Status.INVALID_ARGUMENT.withDescription("status: give ACTIVE, DISABLED or ARCHIVED").asRuntimeException();
            }
            String status = request.getStatus().name().substring("TEMPLATE_STATUS_".length());
            tx.executeWithoutResult(s -> {
                templates.setStatus(t.id(), status);
                // inside the transaction, so what schedules do about it commits with the status
                events.publishEvent(new TemplateStatusChanged(t.id(), t.status(), status));
            });
            log.info("Template {}: {} -> {}", t.name(), t.status(), status);
            return toProto(existing(t.id().toString()), 0);
        });
    }

    @Override
    public void deleteTemplate(DeleteTemplateRequest request, StreamObserver<DeleteTemplateResponse> response) {
        UnaryResponse.send(response, () -> {
            TemplateStore.TemplateRow t = existing(request.getTemplate(), Permission.MANAGE);
            List<UUID> active = templates.activeRuns(t.id());
            if (!active.isEmpty() && !request.getForce()) {
                throw Status.FAILED_PRECONDITION.withDescription(active.size() + " run(s) of template " + t.name()
                        + " still active; wait for them or delete with force (cancels them)").asRuntimeException();
            }
            for (UUID job : active) {
                routes.cancelJob(job, "template " + t.name() + " deleted", Caller.current().name());
            }
            templates.delete(t.id());
            events.publishEvent(new TemplateDeleted(t.id()));
            log.info("Template {} deleted ({} active run(s) cancelled)", t.name(), active.size());
            return DeleteTemplateResponse.newBuilder().setCancelledRuns(active.size()).build();
        });
    }

    @Override
    public void runTemplate(RunTemplateRequest request, StreamObserver<Job> response) {
        UnaryResponse.send(response, () -> {
            TemplateStore.TemplateRow t = existing(request.getTemplate(), Permission.SUBMIT);
            String kind = switch (request.getTrigger()) {
                case TRIGGER_MANUAL -> "MANUAL";
                case TRIGGER_UNSPECIFIED, TRIGGER_API -> "API";
                default -> throw Status.INVALID_ARGUMENT.withDescription(
                        "trigger: only TRIGGER_MANUAL or TRIGGER_API may be asked for").asRuntimeException();
            };
            checkTriggeredBy(request.getTriggeredBy());
            dev.hodei.jobs.JobSubmission.checkClientKey(request.getIdempotencyKey());
            String principal = Caller.current().name();
            String by = request.getTriggeredBy().isEmpty() ? principal : request.getTriggeredBy();
            return runs.run(t.id(), request.getParametersMap(), TemplateRuns.Trigger.of(kind, by, principal),
                    request.getIdempotencyKey()).job().toProto();
        });
    }

    @Override
    public void retryRun(RetryRunRequest request, StreamObserver<Job> response) {
        UnaryResponse.send(response, () -> {
            checkTriggeredBy(request.getTriggeredBy());
            return runs.retry(existing(request.getTemplate(), Permission.SUBMIT).id(), request.getRunNumber(),
                    request.getTriggeredBy(), Caller.current().name()).job().toProto();
        });
    }

    @Override
    public void listRuns(ListRunsRequest request, StreamObserver<ListRunsResponse> response) {
        UnaryResponse.send(response, () -> {
            TemplateStore.TemplateRow t = existing(request.getTemplate(), Permission.READ);
            int size = PageSize.of(request.getPageSize());
            long before = 0;
            if (!request.getPageToken().isEmpty()) {
                try {
                    before = Long.parseLong(new String(decode(request.getPageToken()), StandardCharsets.UTF_8));
                } catch (NumberFormatException e) {
                    throw Status.INVALID_ARGUMENT.withDescription("page_token: not a token from ListRuns").asRuntimeException();
                }
            }
            List<JobRecord> page = templates.runs(t.id(), size + 1, before);
            ListRunsResponse.Builder out = ListRunsResponse.newBuilder();
            page.stream().limit(size).forEach(j -> out.addRuns(j.toProto()));
            if (page.size() > size) {
                out.setNextPageToken(Base64.getUrlEncoder().withoutPadding().encodeToString(
                        Long.toString(page.get(size - 1).run().getRunNumber()).getBytes(StandardCharsets.UTF_8)));
            }
            return out.build();
        });
    }

    private static void checkTriggeredBy(String by) {
        if (by.length() > MAX_TRIGGERED_BY) {
            throw Status.INVALID_ARGUMENT.withDescription("triggered_by: longer than " + MAX_TRIGGERED_BY + " characters")
                    .asRuntimeException();
        }
    }

    private void checkDefinition(TemplateDefinition def) {
        List<String> v = new ArrayList<>();
        if (!NAME.matcher(def.getName()).matches()) {
            v.add("definition.name: 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (def.getDescription().length() > MAX_DESCRIPTION_CHARS) {
            v.add("definition.description: longer than " + MAX_DESCRIPTION_CHARS + " characters");
        }
        Labels.check(def.getLabelsMap(), "definition.labels", v);
        if (!def.hasJob()) {
            v.add("definition.job: missing (the job spec the template runs)");
        } else {
            v.addAll(TemplateParameters.definitionViolations(def).stream().map(s -> "definition." + s).toList());
            if (v.isEmpty()) {
                // the spec as a run with sample values would see it: catches a missing command, bad limits
                jobValidator.violations(TemplateParameters.sample(def), "").stream()
                        .map(s -> s.replaceFirst("^spec\\.", "definition.job.")).forEach(v::add);
            }
        }
        if (!v.isEmpty()) throw Status.INVALID_ARGUMENT.withDescription(ClientText.violations(v)).asRuntimeException();
    }

    /** The template, if the caller may do {@code p} in its namespace. */
    private TemplateStore.TemplateRow existing(String ref, Permission p) {
        TemplateStore.TemplateRow t = existing(ref);
        Caller.current().require(p, t.namespace());
        return t;
    }

    /** Names are at most 100 characters and ids 36: a longer reference names nothing, and is not looked up. */
    public static final int MAX_REFERENCE_CHARS = 100;

    /** {@code ref} of request field {@code field} (a template's or schedule's id or name), or INVALID_ARGUMENT. */
    public static String reference(String field, String ref) {
        if (ref.length() > MAX_REFERENCE_CHARS) {
            throw Status.INVALID_ARGUMENT.withDescription(field + ": longer than " + MAX_REFERENCE_CHARS
                    + " characters (an id or a name)").asRuntimeException();
        }
        return ref;
    }

    private TemplateStore.TemplateRow existing(String ref) {
        if (ref.isEmpty()) throw Status.INVALID_ARGUMENT.withDescription("template: give a template id or name").asRuntimeException();
        reference("template", ref);
        return templates.find(ref).orElseThrow(() ->
                Status.NOT_FOUND.withDescription("template: no template " + ClientText.cut(ref)).asRuntimeException());
    }

    private Template toProto(TemplateStore.TemplateRow t, int version) {
        int v = version == 0 ? t.latestVersion() : version;
        TemplateDefinition def = templates.definition(t.id(), v).orElseThrow(() -> Status.NOT_FOUND
                .withDescription("version: template " + t.name() + " has versions 1.." + t.latestVersion()).asRuntimeException());
        return Template.newBuilder()
                .setId(t.id().toString())
                .setName(t.name())
                .setStatus(TemplateStatus.valueOf("TEMPLATE_STATUS_" + t.status()))
                .setVersion(v)
                .setLatestVersion(t.latestVersion())
                .setDefinition(def)
                .setCreatedAt(ProtoTime.of(t.createdAt()))
                .setUpdatedAt(ProtoTime.of(t.updatedAt()))
                .setStats(templates.stats(t.id()))
                .setNamespace(t.namespace())
                .setCreatedBy(t.createdBy() == null ? "" : t.createdBy())
                .setUpdatedBy(t.updatedBy() == null ? "" : t.updatedBy())
                .build();
    }

    private static byte[] decode(String token) {
        try {
            return Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw Status.INVALID_ARGUMENT.withDescription("page_token: not a token from this call").asRuntimeException();
        }
    }
}
