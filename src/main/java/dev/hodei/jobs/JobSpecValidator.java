package dev.hodei.jobs;

import dev.hodei.providers.Providers;
import dev.hodei.server.ClientText;
import dev.hodei.server.HodeiProperties;
import hodei.v1.JobSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Checks a submitted spec; each violation names the field and the limit, so the client knows what
 * to fix. Every field of {@link JobSpec} is bounded here, and only here: what passes is safe to
 * store (no SQL interval or integer overflow), to hand to a provider (memory in bytes fits a
 * long) and to retry (the backoff shift cannot overflow).
 */
@Component
public class JobSpecValidator {

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** glibc's "unsecure" variables (ignored for setuid programs, not for setpriv run by root). */
    private static final Pattern LOADER_VARIABLE = Pattern.compile(
            "LD_[A-Z_]*|GCONV_PATH|GETCONF_DIR|HOSTALIASES|LOCALDOMAIN|LOCPATH|MALLOC_TRACE|NIS_PATH|NLSPATH"
                    + "|RESOLV_HOST_CONF|RES_OPTIONS");
    static final int MAX_IDEMPOTENCY_KEY = 200;
    static final int MAX_NAME = 256;
    static final int MAX_CONCURRENCY_KEY = 200;
    static final int MAX_CONCURRENCY_LIMIT = 10_000;
    static final int MAX_IMAGE = 512;
    static final int MAX_WORKING_DIR = 4096;
    static final int MAX_PROVIDER = 64;
    static final int MAX_ARGS = 4096;
    static final int MAX_ENV_VALUE_BYTES = 32768;
    static final int MAX_RETRY_EXIT_CODES = 32;
    static final int MIN_PRIORITY = -1000;
    static final int MAX_PRIORITY = 1000;
    static final double MAX_CPU = 1024;
    /** 4 TiB: in bytes (x 2^20) still far below Long.MAX_VALUE. */
    static final long MAX_MEMORY_MB = 4L * 1024 * 1024;

    private final HodeiProperties.Jobs limits;
    private final Collection<String> providers;
    private final java.util.function.Function<String, String> refusal;

    @Autowired
    public JobSpecValidator(HodeiProperties props, Providers providers) {
        this(props.jobs(), providers.names(), providers::refusal);
    }

    /** With the limits and provider names given directly (tests). */
    public JobSpecValidator(HodeiProperties.Jobs limits, Collection<String> providerNames) {
        this(limits, providerNames, name -> "unknown provider '" + name + "' (available: "
                + String.join(", ", providerNames) + ")");
    }

    private JobSpecValidator(HodeiProperties.Jobs limits, Collection<String> providerNames,
                             java.util.function.Function<String, String> refusal) {
        this.limits = limits;
        this.providers = providerNames;
        this.refusal = refusal;
    }

    /** Every violation found, each starting with the field's path; empty when the spec is valid. */
    public List<String> violations(JobSpec spec, String idempotencyKey) {
        List<String> v = new ArrayList<>();
        checkCommand(spec, v);
        maxChars(v, "spec.name", spec.getName(), MAX_NAME);
        maxChars(v, "spec.image", spec.getImage(), MAX_IMAGE);
        checkWorkingDir(spec.getWorkingDir(), v);

        range(v, "spec.run_timeout_seconds", spec.getRunTimeoutSeconds(), 0, limits.maxRunTimeout().toSeconds(),
                " (0 = the server's default)");
        range(v, "spec.queue_timeout_seconds", spec.getQueueTimeoutSeconds(), 0, limits.maxQueueTimeout().toSeconds(),
                " (0 = no limit)");
        long maxBackoffMs = limits.maxRetryBackoff().toMillis();
        range(v, "spec.retry_backoff_ms", spec.getRetryBackoffMs(), 0, maxBackoffMs, " (0 = the server's default)");
        range(v, "spec.retry_backoff_max_ms", spec.getRetryBackoffMaxMs(), 0, maxBackoffMs, " (0 = the server's default)");
        range(v, "spec.max_attempts", spec.getMaxAttempts(), 0, limits.maxAttemptsLimit(), " (0 = the server's default)");
        range(v, "spec.priority", spec.getPriority(), MIN_PRIORITY, MAX_PRIORITY, "");
        range(v, "spec.memory_mb", spec.getMemoryMb(), 0, MAX_MEMORY_MB, " (0 = the provider's default; 4194304 = 4 TiB)");
        double cpu = spec.getCpu();
        if (!Double.isFinite(cpu) || cpu < 0 || cpu > MAX_CPU) {
            v.add("spec.cpu: must be a number between 0 (the provider's default) and " + (int) MAX_CPU);
        }

        maxChars(v, "spec.concurrency_key", spec.getConcurrencyKey(), MAX_CONCURRENCY_KEY);
        noNul(v, "spec.concurrency_key", spec.getConcurrencyKey());
        range(v, "spec.concurrency_limit", spec.getConcurrencyLimit(), 0, MAX_CONCURRENCY_LIMIT, " (0 = 1)");
        if (spec.getConcurrencyKey().isEmpty() && (spec.getConcurrencyLimit() != 0 || spec.getCancelInProgress())) {
            v.add("spec.concurrency_key: required with concurrency_limit or cancel_in_progress");
        }

        List<Integer> codes = spec.getRetryOnExitCodesList();
        if (codes.size() > MAX_RETRY_EXIT_CODES) {
            v.add("spec.retry_on_exit_codes: " + codes.size() + " entries, at most " + MAX_RETRY_EXIT_CODES + " allowed");
        } else if (codes.stream().anyMatch(c -> c <= 0 || c > 255)) {
            v.add("spec.retry_on_exit_codes: exit codes are 1..255");
        }
        if (!spec.getProvider().isEmpty() && !providers.contains(spec.getProvider())) {
            v.add("spec.provider: " + refusal.apply(ClientText.cut(spec.getProvider())));
        }
        checkEnv(spec.getEnvMap(), v);
        Labels.check(spec.getLabelsMap(), "spec.labels", v);
        if (idempotencyKey.length() > MAX_IDEMPOTENCY_KEY) {
            v.add("idempotency_key: longer than " + MAX_IDEMPOTENCY_KEY + " characters");
        }
        return v;
    }

    private void checkCommand(JobSpec spec, List<String> v) {
        switch (spec.getCommandCase()) {
            case SHELL -> {
                if (spec.getShell().isBlank()) v.add("spec.shell: must not be empty");
                if (utf8(spec.getShell()) > limits.maxCommandBytes()) {
                    v.add("spec.shell: larger than " + limits.maxCommandBytes() + " bytes");
                }
                noNul(v, "spec.shell", spec.getShell());
            }
            case ARGV -> {
                List<String> args = spec.getArgv().getArgsList();
                if (args.isEmpty() || args.get(0).isBlank()) v.add("spec.argv.args: the program (args[0]) is missing");
                if (args.size() > MAX_ARGS) {
                    v.add("spec.argv.args: " + args.size() + " arguments, at most " + MAX_ARGS + " allowed");
                } else if (args.stream().mapToLong(JobSpecValidator::utf8).sum() > limits.maxCommandBytes()) {
                    v.add("spec.argv.args: larger than " + limits.maxCommandBytes() + " bytes");
                }
                if (args.stream().anyMatch(a -> a.indexOf('\0') >= 0)) v.add("spec.argv.args: must not contain NUL characters");
            }
            case COMMAND_NOT_SET -> v.add("spec.command: give a shell command (spec.shell) or an argv (spec.argv)");
        }
    }

    private static void checkWorkingDir(String dir, List<String> v) {
        if (dir.isEmpty()) return;
        if (dir.length() > MAX_WORKING_DIR) {
            v.add("spec.working_dir: longer than " + MAX_WORKING_DIR + " characters");
            return;
        }
        if (!dir.startsWith("/")) v.add("spec.working_dir: must be an absolute path");
        // a template parameter must not walk out of the directory the template names
        for (String segment : dir.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                v.add("spec.working_dir: must not contain '.' or '..' segments");
                break;
            }
        }
        noNul(v, "spec.working_dir", dir);
    }

    private void checkEnv(Map<String, String> env, List<String> v) {
        if (env.size() > limits.maxEnvEntries()) {
            v.add("spec.env: " + env.size() + " variables, at most " + limits.maxEnvEntries() + " allowed");
            return;
        }
        long bytes = 0;
        for (var e : env.entrySet()) {
            long value = utf8(e.getValue());
            bytes += utf8(e.getKey()) + value + 2;
            if (!ENV_NAME.matcher(e.getKey()).matches()) {
                v.add("spec.env: invalid variable name " + ClientText.quote(e.getKey()));
                continue;
            }
            if (e.getKey().startsWith("HODEI_")) v.add("spec.env: " + e.getKey() + " is reserved (HODEI_*)");
            else if (LOADER_VARIABLE.matcher(e.getKey()).matches()) {
                v.add("spec.env: " + e.getKey() + " is not allowed: the dynamic loader would apply it to the "
                        + "programs that start the job, before it runs as its own user; set it in the command instead");
            }
            if (value > MAX_ENV_VALUE_BYTES) {
                v.add("spec.env." + e.getKey() + ": " + value + " bytes, at most " + MAX_ENV_VALUE_BYTES + " allowed");
            }
            noNul(v, "spec.env." + e.getKey(), e.getValue());
        }
        if (bytes > limits.maxEnvBytes()) {
            v.add("spec.env: " + bytes + " bytes, at most " + limits.maxEnvBytes() + " allowed");
        }
    }

    private static void range(List<String> v, String field, long value, long min, long max, String note) {
        if (value < min || value > max) v.add(field + ": must be between " + min + " and " + max + note);
    }

    private static void maxChars(List<String> v, String field, String value, int max) {
        if (value.length() > max) v.add(field + ": longer than " + max + " characters");
    }

    // a NUL ends a C string: the process would see less than was stored and shown
    private static void noNul(List<String> v, String field, String value) {
        if (value.indexOf('\0') >= 0) v.add(field + ": must not contain NUL characters");
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
