package dev.hodei.schedules;

import dev.hodei.auth.Caller;
import dev.hodei.auth.Permission;
import dev.hodei.jobs.JobRecord;
import dev.hodei.secrets.SecretCipher;
import dev.hodei.server.ClientText;
import dev.hodei.server.ProtoTime;
import dev.hodei.templates.TemplateApi;
import dev.hodei.templates.TemplateParameters;
import dev.hodei.templates.TemplateStore;
import hodei.v1.CreateScheduleRequest;
import hodei.v1.Parameter;
import hodei.v1.Schedule;
import hodei.v1.TemplateDefinition;
import io.grpc.Status;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * What the schedule RPCs ({@link ScheduleApi}) do: create, show, pause, resume, delete, run now,
 * preview. A schedule is in its template's namespace; the caller's token must allow it there.
 */
@Component
public class Schedules {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    static final List<String> MISFIRE_POLICIES = List.of("fire-once", "skip");
    static final int MAX_CRON_CHARS = 200;
    static final int MAX_ZONE_CHARS = 64;

    private final ScheduleStore store;
    private final TemplateStore templates;
    private final SecretCipher cipher;
    private final ScheduleRoutes routes;
    private final ScheduleFiring firing;

    public Schedules(ScheduleStore store, TemplateStore templates, SecretCipher cipher, ScheduleRoutes routes,
                     ScheduleFiring firing) {
        this.store = store;
        this.templates = templates;
        this.cipher = cipher;
        this.routes = routes;
        this.firing = firing;
    }

    public Schedule create(CreateScheduleRequest r) {
        StringBuilder v = new StringBuilder();
        if (!NAME.matcher(r.getName()).matches()) {
            v.append("name: 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit; ");
        }
        CronSchedule cron = null;
        if (r.getCron().length() > MAX_CRON_CHARS) {
            v.append("cron: longer than ").append(MAX_CRON_CHARS).append(" characters; ");
        } else if (r.getTimeZone().length() > MAX_ZONE_CHARS) {
            v.append("time_zone: longer than ").append(MAX_ZONE_CHARS).append(" characters; ");
        } else {
            try {
                cron = CronSchedule.parse(r.getCron(), r.getTimeZone());
            } catch (IllegalArgumentException e) {
                v.append(e.getMessage()).append("; ");
            }
        }
        String policy = r.getMisfirePolicy().isEmpty() ? "fire-once" : r.getMisfirePolicy();
        if (!MISFIRE_POLICIES.contains(policy)) {
            v.append("misfire_policy: ").append(ClientText.quote(policy)).append(" is not fire-once or skip; ");
        }
        if (r.getPauseAfterFailures() < 0) v.append("pause_after_failures: must not be negative; ");
        TemplateStore.TemplateRow t = templates.find(TemplateApi.reference("template", r.getTemplate())).orElseThrow(() -> Status.NOT_FOUND
                .withDescription("template: no template " + ClientText.cut(r.getTemplate())).asRuntimeException());
        Caller caller = Caller.current();
        caller.require(Permission.MANAGE, t.namespace());
        TemplateDefinition def = templates.definition(t.id(), t.latestVersion()).orElseThrow();
        try {
            TemplateParameters.resolve(def, r.getParametersMap());
        } catch (TemplateParameters.Invalid e) {
            v.append(e.getMessage()).append("; ");
        }
        if (!v.isEmpty()) {
            throw Status.INVALID_ARGUMENT.withDescription(v.substring(0, v.length() - 2)).asRuntimeException();
        }
        Map<String, String> plain = new TreeMap<>(r.getParametersMap());
        Map<String, String> secret = new TreeMap<>();
        for (Parameter p : def.getParametersList()) {
            if (TemplateParameters.type(p).equals("secret") && plain.containsKey(p.getName())) {
                secret.put(p.getName(), plain.remove(p.getName()));
            }
        }
        UUID id = UUID.randomUUID();
        if (!store.create(id, r.getName(), t.id(), cron.expression(), cron.zone().getId(), plain,
                cipher.seal(secret, SecretCipher.forSchedule(id)),
                policy, r.getPauseAfterFailures(), caller.name(), t.latestVersion())) {
            throw Status.ALREADY_EXISTS.withDescription("name: a schedule named " + r.getName() + " exists").asRuntimeException();
        }
        routes.sync();
        return get(id.toString());
    }

    public Schedule get(String ref) {
        return toProto(existing(ref, Permission.READ));
    }

    public List<Schedule> list(String templateRef, String namespace) {
        UUID templateId = null;
        if (!templateRef.isEmpty()) {
            TemplateStore.TemplateRow t = templates.find(TemplateApi.reference("template", templateRef)).orElseThrow(() ->
                    Status.NOT_FOUND.withDescription("template: no template " + ClientText.cut(templateRef))
                            .asRuntimeException());
            Caller.current().require(Permission.READ, t.namespace());
            templateId = t.id();
        }
        List<String> readable = Caller.current().readable(namespace);
        return store.list(templateId).stream().filter(s -> readable == null || readable.contains(s.namespace()))
                .map(this::toProto).toList();
    }

    public Schedule setEnabled(String ref, boolean enabled) {
        ScheduleStore.ScheduleRow s = existing(ref, Permission.MANAGE);
        store.setEnabled(s.id(), enabled, enabled ? null : "paused by request");
        routes.sync();
        return get(s.id().toString());
    }

    public void delete(String ref) {
        store.delete(existing(ref, Permission.MANAGE).id());
        routes.sync();
    }

    public JobRecord runNow(String ref) {
        return firing.runNow(existing(ref, Permission.MANAGE)).job();
    }

    public List<Instant> next(String ref, int count) {
        if (count < 0 || count > 100) {
            throw Status.INVALID_ARGUMENT.withDescription("count: must be between 1 and 100").asRuntimeException();
        }
        ScheduleStore.ScheduleRow s = existing(ref, Permission.READ);
        return CronSchedule.parse(s.cron(), s.timeZone()).next(Instant.now(), count == 0 ? 5 : count);
    }

    private ScheduleStore.ScheduleRow existing(String ref, Permission p) {
        ScheduleStore.ScheduleRow s = store.find(TemplateApi.reference("schedule", ref)).orElseThrow(() ->
                Status.NOT_FOUND.withDescription("schedule: no schedule " + ClientText.cut(ref)).asRuntimeException());
        Caller.current().require(p, s.namespace());
        return s;
    }

    private Schedule toProto(ScheduleStore.ScheduleRow s) {
        Schedule.Builder b = Schedule.newBuilder()
                .setId(s.id().toString())
                .setName(s.name())
                .setTemplateId(s.templateId().toString())
                .setTemplateName(s.templateName())
                .setCron(s.cron())
                .setTimeZone(s.timeZone())
                .putAllParameters(s.parameters())
                .setEnabled(s.enabled())
                .setMisfirePolicy(s.misfirePolicy())
                .setPauseAfterFailures(s.pauseAfterFailures())
                .setConsecutiveFailures(s.consecutiveFailures())
                .setLastFireTime(ProtoTime.of(s.lastFireAt()))
                .setCreatedAt(ProtoTime.of(s.createdAt()))
                .setNamespace(s.namespace());
        if (s.createdBy() != null) b.setCreatedBy(s.createdBy());
        if (s.secretParameters() != null) {
            try {
                cipher.open(s.secretParameters(), SecretCipher.forSchedule(s.id())).keySet().forEach(k -> b.putParameters(k, TemplateParameters.REDACTED));
            } catch (SecretCipher.SecretUnavailable e) {
                b.setStatusReason(e.getMessage());
            }
        }
        if (s.statusReason() != null) b.setStatusReason(s.statusReason());
        else if (!s.templateStatus().equals("ACTIVE")) b.setStatusReason("template " + s.templateName() + " is "
                + s.templateStatus().toLowerCase());
        if (s.live()) {
            CronSchedule.parse(s.cron(), s.timeZone()).next(Instant.now(), 1)
                    .forEach(t -> b.setNextFireTime(ProtoTime.of(t)));
        }
        return b.build();
    }
}
