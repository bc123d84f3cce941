package dev.hodei.testing;

import hodei.v1.ArgvCommand;
import hodei.v1.JobSpec;
import java.time.Duration;
import java.util.List;

/**
 * The {@link JobSpec}s tests submit, in their common shapes:
 * {@code shell("exit 75").retryingOn(75).attempts(3).backoff(Duration.ofMillis(50))}. What is not
 * set is left to the server's defaults, as a client that does not set it would.
 */
public final class JobSpecs {

    private final JobSpec.Builder spec;

    private JobSpecs(JobSpec.Builder spec) {
        this.spec = spec;
    }

    /** Run by {@code /bin/sh -c}: pipes, quotes and redirections work. */
    public static JobSpecs shell(String command) {
        return new JobSpecs(JobSpec.newBuilder().setShell(command));
    }

    /** Run as this program and arguments, without a shell. */
    public static JobSpecs argv(String program, String... args) {
        return new JobSpecs(JobSpec.newBuilder().setArgv(ArgvCommand.newBuilder().addArgs(program)
                .addAllArgs(List.of(args))));
    }

    /** On this provider (process, docker, kubernetes or a test one) instead of the policy's choice. */
    public JobSpecs on(String provider) {
        spec.setProvider(provider);
        return this;
    }

    /** At most this many attempts (1 = never retried). */
    public JobSpecs attempts(int max) {
        spec.setMaxAttempts(max);
        return this;
    }

    /** These exit codes fail the attempt but retry the job while attempts remain. */
    public JobSpecs retryingOn(int... exitCodes) {
        for (int code : exitCodes) spec.addRetryOnExitCodes(code);
        return this;
    }

    /** The wait before the first retry (doubling after). */
    public JobSpecs backoff(Duration first) {
        spec.setRetryBackoffMs(first.toMillis());
        return this;
    }

    /** Once running, TIMED_OUT after this long. */
    public JobSpecs runTimeout(Duration limit) {
        spec.setRunTimeoutSeconds(limit.toSeconds());
        return this;
    }

    /** FAILED (QUEUE_TIMEOUT) if still pending after this long. */
    public JobSpecs queueTimeout(Duration limit) {
        spec.setQueueTimeoutSeconds(limit.toSeconds());
        return this;
    }

    public JobSpecs label(String key, String value) {
        spec.putLabels(key, value);
        return this;
    }

    public JobSpecs env(String name, String value) {
        spec.putEnv(name, value);
        return this;
    }

    public JobSpecs workingDir(String dir) {
        spec.setWorkingDir(dir);
        return this;
    }

    public JobSpecs named(String name) {
        spec.setName(name);
        return this;
    }

    public JobSpec build() {
        return spec.build();
    }
}
