package dev.hodei.providers.process;

import dev.hodei.providers.Capacity;
import dev.hodei.providers.ManagedResource;
import dev.hodei.providers.ProvisioningException;
import dev.hodei.providers.WorkerLaunch;
import dev.hodei.providers.WorkerProvider;
import dev.hodei.server.ControlPlaneIdentity;
import dev.hodei.server.GrpcEndpoint;
import dev.hodei.server.HodeiProperties;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/**
 * The embedded default: each worker is the agent as a local child JVM. Its labels are system
 * properties on the command line, so {@link #list()} finds the agents again after a server crash;
 * the resource id is the PID. With {@code run-as-user} the agent (still the server's user, so it
 * can report and kill) starts the job as that user, in a workspace only that user owns. Not
 * offered when gRPC listens beyond loopback unless enabled explicitly.
 */
@Component
public class ProcessProvider implements WorkerProvider {

    static final String MANAGED_FLAG = "-Dhodei.managed=true";

    private final HodeiProperties props;
    private final GrpcEndpoint grpc;
    private final ControlPlaneIdentity identity;
    private final AgentClassArchive classArchive;
    private volatile RunAsUser runAs;

    public ProcessProvider(HodeiProperties props, GrpcEndpoint grpc, ControlPlaneIdentity identity) {
        this.props = props;
        this.grpc = grpc;
        this.identity = identity;
        this.classArchive = new AgentClassArchive(props.home().resolve("cds"));
    }

    @Override
    public Capacity capacity() {
        return Capacity.ofHost(); // the agents run on this machine
    }

    @Override
    public String name() {
        return "process";
    }

    @Override
    public Optional<String> withheld() {
        return withheld(props.providers().process().enabled(), grpc.beyondLoopback());
    }

    /**
     * Off beyond loopback unless {@code enabled} is set: a server other machines reach is a shared
     * service, and local workers share its machine, its user and, without run-as-user, its files.
     */
    static Optional<String> withheld(Boolean enabled, boolean beyondLoopback) {
        if (Boolean.FALSE.equals(enabled)) return Optional.of("hodei.providers.process.enabled is false");
        if (enabled == null && beyondLoopback) {
            return Optional.of("gRPC listens beyond loopback (hodei.grpc.address), where jobs on local processes "
                    + "would share the server's machine; set hodei.providers.process.enabled=true to offer it anyway");
        }
        return Optional.empty();
    }

    @Override
    public void provision(WorkerLaunch launch, Consumer<String> recordResource) throws ProvisioningException {
        Path jar = agentJar();
        RunAsUser user = runAsUser();
        Path workDir = workspace(launch.workerId(), user);
        List<String> command = new ArrayList<>();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> jvmOptions = Arrays.asList(props.providers().process().jvmOptions().trim().split("\\s+"));
        command.add(java.toString());
        command.addAll(jvmOptions);
        command.addAll(classArchive.flags(java, jvmOptions, jar));
        launch.labels().forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        // The server's own settings are not the agent's business (the job's environment is built anew).
        pb.environment().keySet().removeIf(k -> k.startsWith("HODEI_") || k.startsWith("SPRING_"));
        pb.environment().putAll(launch.agentEnvironment(serverAddress()));
        // The OTP goes down a pipe, not into the environment every process of this user can read.
        pb.environment().put("HODEI_OTP_SOURCE", "stdin");
        String trust = props.grpc().tls().trustFile();
        if (!trust.isBlank()) pb.environment().put("HODEI_SERVER_CA_FILE", Path.of(trust).toAbsolutePath().toString());
        if (user != null) {
            pb.environment().put("HODEI_JOB_USER", user.name());
            pb.environment().put("HODEI_JOB_GROUP", Integer.toString(user.gid()));
        }
        File agentLog;
        try {
            agentLog = privateDirectory(props.home().resolve("agent-logs"), "rwx------")
                    .resolve(launch.workerId() + ".log").toFile();
        } catch (IOException e) {
            throw new ProvisioningException("could not create the agent's log folder: " + e.getMessage(), e);
        }
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(agentLog));
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new ProvisioningException("could not start the agent process: " + e.getMessage(), e);
        }
        recordResource.accept(Long.toString(process.pid()));
        // far below a pipe's buffer: never blocks, even before the agent reads
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write((launch.otp() + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new ProvisioningException("could not hand the agent its token (it exited at once?)", e);
        }
    }

    /**
     * Kills the agent and every process of its job. The job's processes are found by the
     * {@code HODEI_WORKER_ID} they inherit, so they are found even when the agent died first and
     * they were re-parented (what a container's cgroup does for the docker provider).
     */
    @Override
    public void destroy(ManagedResource resource) throws ProvisioningException {
        Optional<ProcessHandle> agent = parsePid(resource.resourceId()).flatMap(ProcessHandle::of)
                .filter(ProcessProvider::isManagedAgent);
        List<ProcessHandle> tree = new ArrayList<>();
        agent.ifPresent(a -> {
            tree.addAll(a.descendants().toList());
            tree.add(a);
        });
        if (resource.workerId() != null) tree.addAll(processesOfWorker(resource.workerId()));
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : tree) {
            try {
                p.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new ProvisioningException("process " + p.pid() + " did not exit after SIGKILL", e);
            }
        }
        if (resource.workerId() != null) cleanWorkspace(resource.workerId());
    }

    private static Optional<Long> parsePid(String resourceId) {
        try {
            return Optional.of(Long.parseLong(resourceId));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Processes whose environment says they belong to the worker (Linux /proc). */
    static List<ProcessHandle> processesOfWorker(UUID workerId) {
        String entry = "\0HODEI_WORKER_ID=" + workerId + "\0";
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self && ("\0" + environ(p.pid())).contains(entry))
                .toList();
    }

    private static String environ(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "environ"), StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return ""; // gone, or not ours to read
        }
    }

    @Override
    public List<ManagedResource> list() {
        String instanceFlag = "-Dhodei.instance=" + identity.instanceId();
        return ProcessHandle.allProcesses()
                .filter(ProcessProvider::isManagedAgent)
                .filter(p -> arguments(p).contains(instanceFlag))
                .map(p -> new ManagedResource(Long.toString(p.pid()), workerIdOf(p)))
                .toList();
    }

    @Override
    public void checkHealth() throws ProvisioningException {
        agentJar();
        runAsUser();
    }

    /** The configured run-as user, looked up once; null = the server's own user. */
    private RunAsUser runAsUser() throws ProvisioningException {
        String name = props.providers().process().runAsUser();
        if (name.isBlank()) return null;
        RunAsUser u = runAs;
        if (u == null) runAs = u = RunAsUser.resolve(name.strip());
        return u;
    }

    /** The address agents dial: configured, or this server's gRPC port on loopback. */
    public String serverAddress() {
        String configured = props.providers().process().serverAddress();
        return configured.isBlank() ? grpc.loopbackAddress() : configured;
    }

    private static boolean isManagedAgent(ProcessHandle p) {
        return arguments(p).contains(MANAGED_FLAG);
    }

    private static List<String> arguments(ProcessHandle p) {
        return p.info().arguments().map(Arrays::asList).orElse(List.of());
    }

    private static UUID workerIdOf(ProcessHandle p) {
        return arguments(p).stream()
                .filter(a -> a.startsWith("-Dhodei.worker-id="))
                .map(a -> UUID.fromString(a.substring("-Dhodei.worker-id=".length())))
                .findFirst().orElse(null);
    }

    /** {@code <home>/workspaces/<worker>}: the job's HOME, private to the user the job runs as. */
    private Path workspace(UUID workerId, RunAsUser user) throws ProvisioningException {
        try {
            // others may pass through (a run-as user must reach its own workspace) but not list
            Path all = privateDirectory(props.home().resolve("workspaces"), "rwx--x--x");
            Path dir = privateDirectory(all.resolve(workerId.toString()), "rwx------");
            if (user != null) user.own(dir);
            return dir;
        } catch (IOException e) {
            throw new ProvisioningException("could not create the worker's workspace: " + e.getMessage(), e);
        }
    }

    private static Path privateDirectory(Path dir, String permissions) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(permissions));
        return dir;
    }

    private void cleanWorkspace(UUID workerId) {
        if (workerId == null) return;
        Path dir = props.home().resolve("workspaces").resolve(workerId.toString());
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // a workspace that cannot be removed costs disk, not correctness
        }
    }

    private Path agentJar() throws ProvisioningException {
        String configured = props.providers().process().agentJar();
        List<Path> candidates = new ArrayList<>();
        if (!configured.isBlank()) {
            candidates.add(Path.of(configured));
        } else {
            codeLocation().ifPresent(dir -> candidates.add(dir.resolve("hodei-agent.jar")));
            candidates.add(Path.of("target", "hodei-agent.jar"));
        }
        return candidates.stream().filter(Files::isRegularFile).findFirst()
                .map(Path::toAbsolutePath)
                .orElseThrow(() -> new ProvisioningException("agent jar not found (looked at " + candidates
                        + "); build it with ./mvnw package or set hodei.providers.process.agent-jar"));
    }

    private static Optional<Path> codeLocation() {
        try {
            String path = ProcessProvider.class.getProtectionDomain().getCodeSource().getLocation().getPath();
            // inside a Spring Boot jar the location is "file:/…/hodei.jar!/BOOT-INF/classes!/"
            int bang = path.indexOf('!');
            if (bang >= 0) path = path.substring(0, bang);
            // Spring Boot 3.2+ names classes inside its jar "nested:/…/hodei.jar/!BOOT-INF/classes/!/"
            if (path.startsWith("nested:")) path = path.substring("nested:".length());
            if (path.startsWith("file:")) path = path.substring(5);
            if (path.endsWith("/")) path = path.substring(0, path.length() - 1);
            // target/classes (a build) or the jar's folder (an install): the agent jar sits beside either
            return Optional.ofNullable(Path.of(path).getParent());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
