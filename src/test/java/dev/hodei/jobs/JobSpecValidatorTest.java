package dev.hodei.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hodei.testing.TestProperties;
import hodei.v1.ArgvCommand;
import hodei.v1.JobSpec;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every JobSpec field has a bound, and a violation names the field and the bound. No Spring, no database. */
class JobSpecValidatorTest {

    private final JobSpecValidator validator = new JobSpecValidator(TestProperties.defaults().jobs(), Set.of("process"));

    private static JobSpec.Builder spec() {
        return JobSpec.newBuilder().setShell("true");
    }

    private List<String> violations(JobSpec.Builder spec) {
        return validator.violations(spec.build(), "");
    }

    private void assertRefused(JobSpec.Builder spec, String message) {
        assertThat(violations(spec)).anySatisfy(v -> assertThat(v).contains(message));
    }

    @Test
    void aPlainSpecAndOneAtEveryLimitPass() {
        assertThat(violations(spec())).isEmpty();
        JobSpec.Builder atLimits = spec().setName("n".repeat(256)).setImage("i".repeat(512))
                .setWorkingDir("/" + "d".repeat(4095)).setPriority(1000).setCpu(1024).setMemoryMb(4L * 1024 * 1024)
                .setQueueTimeoutSeconds(30L * 24 * 3600).setRetryBackoffMs(3_600_000).setRetryBackoffMaxMs(3_600_000)
                .setRunTimeoutSeconds(7L * 24 * 3600).setMaxAttempts(10).putEnv("BIG", "x".repeat(32768));
        for (int i = 1; i <= 32; i++) atLimits.addRetryOnExitCodes(i);
        assertThat(violations(atLimits)).isEmpty();
        assertThat(violations(spec().setPriority(-1000))).isEmpty();
    }

    @Test
    void name() {
        // a 3 MiB name was accepted, stored and shown in every list
        assertRefused(spec().setName("n".repeat(3 << 20)), "spec.name: longer than 256 characters");
        assertRefused(spec().setName("n".repeat(257)), "spec.name: longer than 256 characters");
    }

    @Test
    void imageAndWorkingDir() {
        assertRefused(spec().setImage("i".repeat(513)), "spec.image: longer than 512 characters");
        assertRefused(spec().setWorkingDir("/" + "d".repeat(4096)), "spec.working_dir: longer than 4096 characters");
        assertRefused(spec().setWorkingDir("relative"), "spec.working_dir: must be an absolute path");
        assertRefused(spec().setWorkingDir("/data/../etc"), "spec.working_dir: must not contain '.' or '..' segments");
        assertRefused(spec().setWorkingDir("/data/./x"), "spec.working_dir: must not contain '.' or '..' segments");
        assertThat(violations(spec().setWorkingDir("/data/..x/.y"))).isEmpty();
    }

    @Test
    void retryOnExitCodes() {
        // 200,000 entries were accepted
        JobSpec.Builder many = spec().addAllRetryOnExitCodes(Collections.nCopies(200_000, 1));
        assertRefused(many, "spec.retry_on_exit_codes: 200000 entries, at most 32 allowed");
        assertRefused(spec().addRetryOnExitCodes(0), "spec.retry_on_exit_codes: exit codes are 1..255");
        assertRefused(spec().addRetryOnExitCodes(256), "spec.retry_on_exit_codes: exit codes are 1..255");
    }

    @Test
    void priority() {
        assertRefused(spec().setPriority(1001), "spec.priority: must be between -1000 and 1000");
        assertRefused(spec().setPriority(Integer.MIN_VALUE), "spec.priority: must be between -1000 and 1000");
    }

    @Test
    void cpu() {
        for (double cpu : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.5, 1024.5}) {
            assertRefused(spec().setCpu(cpu), "spec.cpu: must be a number between 0 (the provider's default) and 1024");
        }
    }

    @Test
    void memoryCannotOverflowWhenTurnedIntoBytes() {
        // 2^44 MiB * 2^20 wrapped to 0 bytes = no limit in the Docker provider
        assertRefused(spec().setMemoryMb(1L << 44), "spec.memory_mb: must be between 0 and 4194304");
        assertRefused(spec().setMemoryMb(-1), "spec.memory_mb: must be between 0 and 4194304");
        assertThat(JobSpecValidator.MAX_MEMORY_MB * 1024 * 1024).isPositive();
        assertThat(Math.multiplyExact(JobSpecValidator.MAX_MEMORY_MB, 1024L * 1024)).isEqualTo(1L << 42);
    }

    @Test
    void timeouts() {
        // Long.MAX_VALUE reached make_interval and came back as INTERNAL with the SQL text
        assertRefused(spec().setQueueTimeoutSeconds(Long.MAX_VALUE), "spec.queue_timeout_seconds: must be between 0 and 2592000");
        assertRefused(spec().setQueueTimeoutSeconds(-1), "spec.queue_timeout_seconds: must be between 0 and 2592000");
        assertRefused(spec().setRunTimeoutSeconds(-1), "spec.run_timeout_seconds: must be between 0 and 604800");
        assertRefused(spec().setRunTimeoutSeconds(Long.MAX_VALUE), "spec.run_timeout_seconds: must be between 0 and 604800");
    }

    @Test
    void retryBackoff() {
        assertRefused(spec().setRetryBackoffMs(Long.MAX_VALUE), "spec.retry_backoff_ms: must be between 0 and 3600000");
        assertRefused(spec().setRetryBackoffMs(-1), "spec.retry_backoff_ms: must be between 0 and 3600000");
        assertRefused(spec().setRetryBackoffMaxMs(3_600_001), "spec.retry_backoff_max_ms: must be between 0 and 3600000");
        assertRefused(spec().setMaxAttempts(11), "spec.max_attempts: must be between 0 and 10");
    }

    @Test
    void command() {
        assertRefused(JobSpec.newBuilder(), "spec.command");
        assertRefused(JobSpec.newBuilder().setShell(" "), "spec.shell: must not be empty");
        assertRefused(JobSpec.newBuilder().setShell("x".repeat(1048577)), "spec.shell: larger than 1048576 bytes");
        assertRefused(JobSpec.newBuilder().setShell("echo a\0b"), "spec.shell: must not contain NUL characters");
        ArgvCommand.Builder args = ArgvCommand.newBuilder().addArgs("echo");
        for (int i = 0; i < 5000; i++) args.addArgs("");
        assertRefused(JobSpec.newBuilder().setArgv(args), "spec.argv.args: 5001 arguments, at most 4096 allowed");
        assertRefused(JobSpec.newBuilder().setArgv(ArgvCommand.newBuilder().addArgs("echo").addArgs("a\0")),
                "spec.argv.args: must not contain NUL characters");
    }

    @Test
    void env() {
        assertRefused(spec().putEnv("ONE", "x".repeat(32769)), "spec.env.ONE: 32769 bytes, at most 32768 allowed");
        assertRefused(spec().putEnv("A", "x".repeat(30000)).putEnv("B", "x".repeat(30000)).putEnv("C", "x".repeat(10000)),
                "at most 65536 allowed");
        assertRefused(spec().putEnv("HODEI_X", "1"), "spec.env: HODEI_X is reserved");
        assertRefused(spec().putEnv("V", "a\0b"), "spec.env.V: must not contain NUL characters");
        JobSpec.Builder many = spec();
        for (int i = 0; i < 300; i++) many.putEnv("V" + i, "1");
        assertThat(violations(many)).containsExactly("spec.env: 300 variables, at most 256 allowed");
    }

    @Test
    void labels() {
        JobSpec.Builder many = spec();
        for (int i = 0; i < 65; i++) many.putLabels("k" + i, "v");
        assertThat(violations(many)).containsExactly("spec.labels: 65 labels, at most 64 allowed");
        assertRefused(spec().putLabels("team", "v".repeat(257)), "spec.labels.team: longer than 256 characters");
        assertRefused(spec().putLabels("-bad", "v"), "spec.labels: invalid key '-bad'");
    }

    @Test
    void providerAndIdempotencyKeyAndQuotedInputIsCut() {
        List<String> v = violations(spec().setProvider("p".repeat(100_000)));
        assertThat(v).singleElement().satisfies(m -> assertThat(m).startsWith("spec.provider: unknown provider 'ppp")
                .contains("(available: process)").hasSizeLessThan(200));
        assertThat(validator.violations(spec().build(), "k".repeat(201))).containsExactly(
                "idempotency_key: longer than 200 characters");
    }

    @Test
    void loaderVariablesAreRefusedSoNoJobRunsCodeBeforeItsUserIsSet() {
        assertThat(validator.violations(JobSpec.newBuilder().setShell("true").putEnv("LD_PRELOAD", "/tmp/x.so")
                .putEnv("GCONV_PATH", "/tmp").putEnv("LDX", "fine").build(), ""))
                .anyMatch(m -> m.startsWith("spec.env: LD_PRELOAD is not allowed"))
                .anyMatch(m -> m.startsWith("spec.env: GCONV_PATH is not allowed"))
                .noneMatch(m -> m.contains("LDX"));
    }

    @Test
    void argvNeedsItsProgramAndIsBoundedInBytes() {
        assertRefused(JobSpec.newBuilder().setArgv(ArgvCommand.newBuilder()), "spec.argv.args: the program (args[0]) is missing");
        assertRefused(JobSpec.newBuilder().setArgv(ArgvCommand.newBuilder().addArgs(" ").addArgs("x")),
                "spec.argv.args: the program (args[0]) is missing");
        assertRefused(JobSpec.newBuilder().setArgv(ArgvCommand.newBuilder().addArgs("echo").addArgs("x".repeat(1048576))),
                "spec.argv.args: larger than 1048576 bytes");
        assertThat(violations(JobSpec.newBuilder().setArgv(ArgvCommand.newBuilder().addArgs("echo")
                .addArgs("x".repeat(1048572))))).as("exactly at the limit").isEmpty();
    }

    @Test
    void commandSizeIsCountedInUtf8Bytes() {
        // 524,289 characters, but 1,048,578 bytes
        assertRefused(JobSpec.newBuilder().setShell("é".repeat(524289)), "spec.shell: larger than 1048576 bytes");
        assertThat(violations(JobSpec.newBuilder().setShell("é".repeat(524288)))).isEmpty();
    }

    @Test
    void envNamesMustBeVariableNamesAndTheTotalIsNamed() {
        assertRefused(spec().putEnv("1ABC", "v"), "spec.env: invalid variable name '1ABC'");
        assertRefused(spec().putEnv("A-B", "v"), "spec.env: invalid variable name 'A-B'");
        // each entry counts its name, its value, '=' and the NUL: 3 x (1 + 30000 + 2) = 90009
        assertRefused(spec().putEnv("A", "x".repeat(30000)).putEnv("B", "x".repeat(30000)).putEnv("C", "x".repeat(30000)),
                "spec.env: 90009 bytes, at most 65536 allowed");
    }

    @Test
    void aWorkingDirWithANulIsRefused() {
        assertRefused(spec().setWorkingDir("/data\0/x"), "spec.working_dir: must not contain NUL characters");
    }

    @Test
    void everyRangeNamesItsBoundsAndWhatZeroMeans() {
        assertThat(violations(spec().setRunTimeoutSeconds(-1).setQueueTimeoutSeconds(-1).setRetryBackoffMs(-1)
                .setRetryBackoffMaxMs(-1).setMaxAttempts(-1).setMemoryMb(-1))).containsExactly(
                "spec.run_timeout_seconds: must be between 0 and 604800 (0 = the server's default)",
                "spec.queue_timeout_seconds: must be between 0 and 2592000 (0 = no limit)",
                "spec.retry_backoff_ms: must be between 0 and 3600000 (0 = the server's default)",
                "spec.retry_backoff_max_ms: must be between 0 and 3600000 (0 = the server's default)",
                "spec.max_attempts: must be between 0 and 10 (0 = the server's default)",
                "spec.memory_mb: must be between 0 and 4194304 (0 = the provider's default; 4194304 = 4 TiB)");
    }

    @Test
    void theConfiguredLimitsAreTheOnesChecked() {
        JobSpecValidator strict = new JobSpecValidator(TestProperties.with(Map.of(
                "hodei.jobs.max-run-timeout", "1h", "hodei.jobs.max-queue-timeout", "2h",
                "hodei.jobs.max-retry-backoff", "10s", "hodei.jobs.max-attempts-limit", "3",
                "hodei.jobs.max-command-bytes", "16", "hodei.jobs.max-env-entries", "2",
                "hodei.jobs.max-env-bytes", "20")).jobs(), Set.of("process"));
        assertThat(strict.violations(spec().setShell("x".repeat(17)).setRunTimeoutSeconds(3601).setQueueTimeoutSeconds(7201)
                .setRetryBackoffMs(10_001).setMaxAttempts(4).build(), "")).containsExactly(
                "spec.shell: larger than 16 bytes",
                "spec.run_timeout_seconds: must be between 0 and 3600 (0 = the server's default)",
                "spec.queue_timeout_seconds: must be between 0 and 7200 (0 = no limit)",
                "spec.retry_backoff_ms: must be between 0 and 10000 (0 = the server's default)",
                "spec.max_attempts: must be between 0 and 3 (0 = the server's default)");
        assertThat(strict.violations(spec().putEnv("A", "1").putEnv("B", "2").putEnv("C", "3").build(), ""))
                .containsExactly("spec.env: 3 variables, at most 2 allowed");
        assertThat(strict.violations(spec().putEnv("A", "x".repeat(10)).putEnv("B", "x".repeat(10)).build(), ""))
                .containsExactly("spec.env: 26 bytes, at most 20 allowed");
        assertThat(strict.violations(spec().setShell("x".repeat(16)).setRunTimeoutSeconds(3600).setMaxAttempts(3).build(), ""))
                .as("at the configured limits").isEmpty();
    }

    @Test
    void everyViolationIsReportedNotOnlyTheFirst() {
        assertThat(violations(JobSpec.newBuilder().setName("n".repeat(257)).setPriority(2000).setCpu(-1)
                .setProvider("nope").putLabels("-bad", "v"))).containsExactly(
                "spec.command: give a shell command (spec.shell) or an argv (spec.argv)",
                "spec.name: longer than 256 characters",
                "spec.priority: must be between -1000 and 1000",
                "spec.cpu: must be a number between 0 (the provider's default) and 1024",
                "spec.provider: unknown provider 'nope' (available: process)",
                "spec.labels: invalid key '-bad' (1-63 letters, digits, '.', '_', '/' or '-', starting and ending"
                        + " with a letter or digit)");
    }
}
