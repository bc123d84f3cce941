package dev.hodei.cli;

import hodei.v1.ArgvCommand;
import hodei.v1.JobSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The flags that describe a job, shared by {@code run} and {@code job submit}. */
class JobSpecOptions {

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "Environment variable (repeatable)")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE", description = "Label (repeatable)")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = {"-p", "--provider"}, description = "process, docker, kubernetes (default: the server's)")
    String provider = "";

    @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS", description = "Run deadline in seconds")
    long timeoutSeconds;

    @Option(names = {"-w", "--workdir"}, description = "Working directory (absolute)")
    String workingDir = "";

    @Option(names = "--image", description = "Container image (container providers)")
    String image = "";

    @Option(names = "--cpu", description = "CPU cores")
    double cpu;

    @Option(names = "--memory", paramLabel = "MIB", description = "Memory limit in MiB")
    long memoryMb;

    @Option(names = "--concurrency-key", paramLabel = "KEY",
            description = "Jobs naming the same key run at most --concurrency-limit at a time, in order")
    String concurrencyKey = "";

    @Option(names = "--concurrency-limit", paramLabel = "N", description = "With --concurrency-key (default 1)")
    int concurrencyLimit;

    @Option(names = "--cancel-in-progress", description = "With --concurrency-key: cancel the key's unfinished jobs")
    boolean cancelInProgress;

    @Option(names = {"-n", "--name"}, description = "Name shown in listings")
    String name = "";

    @Option(names = {"-N", "--namespace"}, description = "Namespace of the job (default: the context's, else 'default')")
    String namespace = "";

    @Option(names = "--idempotency-key", description = "Submitting twice with one key creates one job")
    String idempotencyKey = "";

    @Option(names = "--argv", description = "Run the words as a program and its arguments, without a shell "
            + "(the default for several words is a shell command line joined with spaces)")
    boolean argv;

    @Parameters(paramLabel = "COMMAND", arity = "1..*", description = "Shell command (after --)")
    List<String> command;

    JobSpec toSpec() {
        JobSpec.Builder b = JobSpec.newBuilder()
                .putAllEnv(env).putAllLabels(labels)
                .setProvider(provider).setRunTimeoutSeconds(timeoutSeconds)
                .setWorkingDir(workingDir).setImage(image).setCpu(cpu).setMemoryMb(memoryMb).setName(name)
                .setConcurrencyKey(concurrencyKey).setConcurrencyLimit(concurrencyLimit).setCancelInProgress(cancelInProgress);
        if (argv) b.setArgv(ArgvCommand.newBuilder().addAllArgs(command));
        else b.setShell(String.join(" ", command));
        return b.build();
    }
}
