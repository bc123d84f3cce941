package dev.hodei.templates;

import dev.hodei.jobs.JobRecord;
import dev.hodei.jobs.JobStore;
import dev.hodei.jobs.JobSubmission;
import dev.hodei.secrets.SecretCipher;
import hodei.v1.Parameter;
import hodei.v1.TemplateDefinition;
import io.grpc.Status;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Creates runs: a job linked to its template, the version it was made from and a run number. Each
 * run is created under the template row's lock, so numbers are gapless and an idempotency key
 * (a schedule's fire time, say) yields one run even when two control planes ask at once.
 */
@Component
public class TemplateRuns {

    /**
     * Who or what asked for a run: {@code by} is shown as the run's triggered_by, {@code principal}
     * is the token the job is submitted in the name of (a schedule's: its creator's).
     */
    public record Trigger(String kind, String by, UUID scheduleId, Instant scheduledFireAt, String principal) {
        public static Trigger of(String kind, String by, String principal) {
            return new Trigger(kind, by, null, null, principal);
        }
    }

    private final TemplateStore templates;
    private final JobStore jobs;
    private final JobSubmission submission;
    private final SecretCipher cipher;
    private final TransactionTemplate tx;

    public TemplateRuns(TemplateStore templates, JobStore jobs, JobSubmission submission, SecretCipher cipher,
                        TransactionTemplate tx) {
        this.templates = templates;
        this.jobs = jobs;
        this.submission = submission;
        this.cipher = cipher;
        this.tx = tx;
    }

    /**
     * Validates the parameters against the template's latest version and queues the run.
     *
     * @throws io.grpc.StatusRuntimeException NOT_FOUND, FAILED_PRECONDITION (not active) or
     *         INVALID_ARGUMENT naming each parameter at fault
     */
    public JobStore.Submitted run(UUID templateId, Map<String, String> parameters, Trigger trigger, String idempotencyKey) {
        return run(templateId, parameters, Set.of(), trigger, idempotencyKey);
    }

    /**
     * As {@link #run(UUID, Map, Trigger, String)}, with the names of the values that were secret where
     * they come from (a schedule's encrypted parameters): they must still be secret parameters, and
     * no refusal quotes them.
     */
    public JobStore.Submitted run(UUID templateId, Map<String, String> parameters, Set<String> wereSecret,
                                  Trigger trigger, String idempotencyKey) {
        return run(templateId, parameters, wereSecret, null, trigger, idempotencyKey);
    }

    /**
     * As above, for secret values given earlier ({@code wereSecret}) for the template's version
     * {@code secretsFor} (a run being retried, a schedule): they go only to the job they were given
     * for, so the run is refused (FAILED_PRECONDITION) when the template's job changed since. An
     * operator who edits the command must not receive another person's secret by retrying their
     * run or waiting for their schedule.
     */
    public JobStore.Submitted run(UUID templateId, Map<String, String> parameters, Set<String> wereSecret,
                                  Integer secretsFor, Trigger trigger, String idempotencyKey) {
        JobStore.Submitted s = tx.execute(status -> {
            TemplateStore.TemplateRow t = templates.lock(templateId).orElseThrow(() ->
                    Status.NOT_FOUND.withDescription("no template " + templateId).asRuntimeException());
            if (idempotencyKey != null && !idempotencyKey.isEmpty()) {
                var existing = jobs.findByIdempotencyKey(t.namespace(), idempotencyKey);
                if (existing.isPresent()) {
                    if (existing.get().run() == null || !existing.get().run().getTemplateId().equals(t.id().toString())
                            || !sameValues(existing.get().run().getParametersMap(), parameters)) {
                        throw JobStore.keyTaken(existing.get());
                    }
                    return new JobStore.Submitted(existing.get(), false);
                }
            }
            if (!t.status().equals("ACTIVE")) {
                throw Status.FAILED_PRECONDITION.withDescription("template " + t.name() + " is "
                        + t.status().toLowerCase() + "; enable it to run it").asRuntimeException();
            }
            TemplateDefinition def = templates.definition(t.id(), t.latestVersion()).orElseThrow();
            if (secretsFor != null && !wereSecret.isEmpty() && secretsFor != t.latestVersion()
                    && !templates.definition(t.id(), secretsFor).map(TemplateDefinition::getJob).orElse(null)
                            .equals(def.getJob())) {
                throw Status.FAILED_PRECONDITION.withDescription("template " + t.name() + ": its job changed since "
                        + "version " + secretsFor + ", for which the secret parameters were given (now version "
                        + t.latestVersion() + "); give the secrets anew (a new run or a new schedule)").asRuntimeException();
            }
            TemplateParameters.Resolved resolved;
            try {
                resolved = TemplateParameters.resolve(def, parameters, wereSecret);
            } catch (TemplateParameters.Invalid e) {
                throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
            }
            long number = templates.nextRunNumber(t.id());
            UUID jobId = UUID.randomUUID();
            return submission.submit(resolved.spec(), idempotencyKey,
                    new JobStore.Origin(t.namespace(), trigger.principal()), new JobStore.RunLink(jobId, t.id(), t.name(),
                    t.latestVersion(), number, trigger.kind(), trigger.by(), trigger.scheduleId(),
                    trigger.scheduledFireAt(), resolved.shown(),
                    cipher.seal(resolved.secretEnv(), SecretCipher.forJob(jobId))));
        });
        submission.wake(s);
        return s;
    }

    /** A retried request names the values its run shows (secrets, shown as ***, cannot be compared). */
    private static boolean sameValues(Map<String, String> shown, Map<String, String> requested) {
        for (var e : requested.entrySet()) {
            String was = shown.get(e.getKey());
            if (!TemplateParameters.REDACTED.equals(was) && !e.getValue().equals(was)) return false;
        }
        return true;
    }

    /**
     * Runs the template again, on its current version, with the parameters of its run
     * {@code runNumber}: the secrets that run was given (decrypted from its own row), the other
     * values as that run shows them. A value that was secret stays secret (see {@link #run}).
     */
    public JobStore.Submitted retry(UUID templateId, long runNumber, String by, String principal) {
        JobRecord earlier = templates.run(templateId, runNumber).orElseThrow(() -> Status.NOT_FOUND
                .withDescription("no run " + runNumber + " of template " + templateId).asRuntimeException());
        TemplateDefinition def = templates.definition(templateId, earlier.run().getTemplateVersion()).orElseThrow();
        Map<String, String> secrets;
        try {
            secrets = cipher.open(earlier.secretEnv(), SecretCipher.forJob(earlier.id()));
        } catch (SecretCipher.SecretUnavailable e) {
            throw Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
        }
        // on the current version: parameters it no longer declares are left out
        TemplateStore.TemplateRow now = templates.find(templateId.toString()).orElseThrow();
        TemplateDefinition currentDef = templates.definition(templateId, now.latestVersion()).orElseThrow();
        Set<String> current = new HashSet<>();
        currentDef.getParametersList().forEach(p -> current.add(p.getName()));
        Map<String, String> parameters = new HashMap<>();
        Set<String> wereSecret = new HashSet<>();
        for (Parameter p : def.getParametersList()) {
            if (!current.contains(p.getName())) continue;
            boolean secret = TemplateParameters.type(p).equals("secret");
            String value = secret ? secrets.get(p.getName()) : earlier.run().getParametersMap().get(p.getName());
            if (value == null) continue;
            parameters.put(p.getName(), value);
            if (secret) wereSecret.add(p.getName());
        }
        String who = "retry of run " + runNumber + (by == null || by.isEmpty() ? "" : " by " + by);
        return run(templateId, parameters, wereSecret, earlier.run().getTemplateVersion(),
                Trigger.of("RETRY", who, principal), null);
    }
}
