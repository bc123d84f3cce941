package dev.hodei.jobs;

import dev.hodei.providers.Providers;
import dev.hodei.server.HodeiProperties;
import hodei.v1.JobSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/** Checks a submitted spec; each violation names the field, so the client knows what to fix. */
@Component
public class JobSpecValidator {

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._/-]{0,61}[A-Za-z0-9])?");
    static final int MAX_IDEMPOTENCY_KEY = 200;
    static final int MAX_LABELS = 64;
    static final int MAX_LABEL_VALUE = 256;

    private final HodeiProperties.Jobs limits;
    private final Providers providers;

    public JobSpecValidator(HodeiProperties props, Providers providers) {
        this.limits = props.jobs();
        this.providers = providers;
    }

    /** Every violation found, each starting with the field's path; empty when the spec is valid. */
    public List<String> violations(JobSpec spec, String idempotencyKey) {
        List<String> v = new ArrayList<>();
        switch (spec.getCommandCase()) {
            case SHELL -> {
                if (spec.getShell().isBlank()) v.add("spec.shell: must not be empty");
                if (utf8(spec.getShell()) > limits.maxCommandBytes()) {
                    v.add("spec.shell: larger than " + limits.maxCommandBytes() + " bytes");
                }
            }
            case ARGV -> {
                List<String> args = spec.getArgv().getArgsList();
                if (args.isEmpty() || args.get(0).isBlank()) v.add("spec.argv.args: the program (args[0]) is missing");
                if (args.stream().mapToLong(JobSpecValidator::utf8).sum() > limits.maxCommandBytes()) {
                    v.add("spec.argv.args: larger than " + limits.maxCommandBytes() + " bytes");
                }
            }
            case COMMAND_NOT_SET -> v.add("spec.command: give a shell command (spec.shell) or an argv (spec.argv)");
        }
        if (spec.getRunTimeoutSeconds() < 0) v.add("spec.run_timeout_seconds: must not be negative");
        if (spec.getRunTimeoutSeconds() > limits.maxRunTimeout().toSeconds()) {
            v.add("spec.run_timeout_seconds: more than the maximum of " + limits.maxRunTimeout().toSeconds());
        }
        if (spec.getCpu() < 0 || Double.isNaN(spec.getCpu())) v.add("spec.cpu: must not be negative");
        if (spec.getMemoryMb() < 0) v.add("spec.memory_mb: must not be negative");
        if (spec.getQueueTimeoutSeconds() < 0) v.add("spec.queue_timeout_seconds: must not be negative");
        if (spec.getRetryBackoffMs() < 0 || spec.getRetryBackoffMaxMs() < 0) {
            v.add("spec.retry_backoff_ms: must not be negative");
        }
        if (spec.getRetryOnExitCodesList().stream().anyMatch(c -> c <= 0 || c > 255)) {
            v.add("spec.retry_on_exit_codes: exit codes are 1..255");
        }
        if (spec.getMaxAttempts() < 0 || spec.getMaxAttempts() > limits.maxAttemptsLimit()) {
            v.add("spec.max_attempts: must be between 0 (server default) and " + limits.maxAttemptsLimit());
        }
        if (!spec.getProvider().isEmpty() && !providers.exists(spec.getProvider())) {
            v.add("spec.provider: " + providers.refusal(spec.getProvider()));
        }
        if (!spec.getWorkingDir().isEmpty() && !spec.getWorkingDir().startsWith("/")) {
            v.add("spec.working_dir: must be an absolute path");
        }
        checkEnv(spec.getEnvMap(), v);
        checkLabels(spec.getLabelsMap(), v);
        if (idempotencyKey.length() > MAX_IDEMPOTENCY_KEY) {
            v.add("idempotency_key: longer than " + MAX_IDEMPOTENCY_KEY + " characters");
        }
        return v;
    }

    private void checkEnv(Map<String, String> env, List<String> v) {
        if (env.size() > limits.maxEnvEntries()) {
            v.add("spec.env: " + env.size() + " variables, at most " + limits.maxEnvEntries() + " allowed");
        }
        long bytes = 0;
        for (var e : env.entrySet()) {
            bytes += utf8(e.getKey()) + utf8(e.getValue()) + 2;
            if (!ENV_NAME.matcher(e.getKey()).matches()) v.add("spec.env: invalid variable name '" + e.getKey() + "'");
            else if (e.getKey().startsWith("HODEI_")) v.add("spec.env: " + e.getKey() + " is reserved (HODEI_*)");
        }
        if (bytes > limits.maxEnvBytes()) {
            v.add("spec.env: " + bytes + " bytes, at most " + limits.maxEnvBytes() + " allowed");
        }
    }

    private static void checkLabels(Map<String, String> labels, List<String> v) {
        if (labels.size() > MAX_LABELS) v.add("spec.labels: at most " + MAX_LABELS + " labels");
        for (var e : labels.entrySet()) {
            if (!LABEL_KEY.matcher(e.getKey()).matches()) v.add("spec.labels: invalid key '" + e.getKey() + "'");
            if (e.getValue().length() > MAX_LABEL_VALUE) {
                v.add("spec.labels." + e.getKey() + ": longer than " + MAX_LABEL_VALUE + " characters");
            }
        }
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
