package dev.hodei.providers.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.hodei.providers.Capacity;
import dev.hodei.providers.ManagedResource;
import dev.hodei.providers.ProvisioningException;
import dev.hodei.providers.WorkerLaunch;
import dev.hodei.providers.WorkerProvider;
import dev.hodei.server.ControlPlaneIdentity;
import dev.hodei.server.GrpcEndpoint;
import dev.hodei.server.HodeiProperties;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Workers as Docker containers: {@code hodei-worker-<worker id>}, labelled ({@link WorkerLaunch#labels()}), with
 * the job's cpu/memory limits and host networking, as a non-root user with no capabilities. The full container ID is recorded before
 * the container starts, so the agent can never register ahead of it. Destroy is a forced
 * remove: the job's result is already stored when it happens.
 */
@Component
@ConditionalOnProperty(name = "hodei.providers.docker.enabled", havingValue = "true", matchIfMissing = true)
public class DockerProvider implements WorkerProvider {

    private static final Logger log = LoggerFactory.getLogger(DockerProvider.class);
    /** The oldest API every supported engine accepts; used only to ask the engine for its own. */
    private static final RemoteApiVersion PROBE_API = RemoteApiVersion.VERSION_1_24;
    /** The newest API this docker-java knows. */
    private static final RemoteApiVersion NEWEST_API = RemoteApiVersion.parseConfig("1.44");

    private final String name;
    private final HodeiProperties.Docker config;
    private final GrpcEndpoint grpc;
    private final ControlPlaneIdentity identity;
    private volatile DockerClient client;

    @Autowired
    public DockerProvider(HodeiProperties props, GrpcEndpoint grpc, ControlPlaneIdentity identity) {
        this("docker", props.providers().docker(), grpc, identity);
    }

    /** A provider under another name, e.g. for a second Docker engine. */
    public DockerProvider(String name, HodeiProperties.Docker config, GrpcEndpoint grpc, ControlPlaneIdentity identity) {
        this.name = name;
        this.config = config;
        this.grpc = grpc;
        this.identity = identity;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void provision(WorkerLaunch launch, Consumer<String> recordResource) throws ProvisioningException {
        DockerClient docker = client();
        String image = launch.spec().getImage().isEmpty() ? config.image() : launch.spec().getImage();
        HostConfig host = hardened(HostConfig.newHostConfig().withNetworkMode(config.networkMode()).withInit(true),
                launch.spec().getMemoryMb());
        if (launch.spec().getCpu() > 0) host.withNanoCPUs((long) (launch.spec().getCpu() * 1e9));
        AgentFiles files = new AgentFiles(launch.otp(), trustPem());
        Map<String, String> env = launch.agentEnvironment(serverAddress());
        env.putAll(files.environment());
        String containerId;
        try {
            CreateContainerCmd create = docker.createContainerCmd(image)
                    .withName("hodei-worker-" + launch.workerId())
                    .withLabels(launch.labels())
                    .withEnv(env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                    .withHostConfig(host);
            if (!config.user().isBlank()) create.withUser(config.user().strip());
            if (config.readOnlyRootfs()) {
                // the job's HOME and /tmp stay writable, in memory counted against the container's limit
                String workDir = workingDir(docker, image);
                create.withWorkingDir(workDir);
                host.withReadonlyRootfs(true).withTmpFs(Map.of("/tmp", "rw,exec,nosuid,nodev,mode=1777",
                        workDir, "rw,nosuid,nodev,exec,mode=1777"));
            }
            containerId = create.exec().getId();
        } catch (NotFoundException e) {
            throw new ProvisioningException("image '" + image + "' is not on the Docker host (build it with "
                    + "agent/build-image.sh; nothing is pulled)", e);
        } catch (RuntimeException e) {
            throw new ProvisioningException("docker create failed: " + message(e), e);
        }
        recordResource.accept(containerId);
        try {
            // owned by the container's user (its own, or the image's), so the agent can read and delete them
            int[] owner = AgentFiles.owner(docker.inspectContainerCmd(containerId).exec().getConfig().getUser());
            docker.copyArchiveToContainerCmd(containerId).withRemotePath("/").withCopyUIDGID(owner == null)
                    .withTarInputStream(files.tar(owner)).exec();
        } catch (RuntimeException e) {
            throw new ProvisioningException("copying the agent's token into " + shortId(containerId) + " failed: "
                    + message(e), e);
        }
        try {
            docker.startContainerCmd(containerId).exec();
        } catch (RuntimeException e) {
            throw new ProvisioningException("docker start of " + shortId(containerId) + " failed: " + message(e), e);
        }
    }

    /**
     * Least privilege for every worker: no capabilities, no privilege gain through setuid files, a
     * bounded number of processes, and a memory limit even for jobs that name none.
     */
    HostConfig hardened(HostConfig host, long jobMemoryMb) throws ProvisioningException {
        host.withCapDrop(Capability.ALL).withSecurityOpts(List.of("no-new-privileges"));
        if (config.pidsLimit() > 0) host.withPidsLimit(config.pidsLimit());
        long memoryMb = jobMemoryMb > 0 ? jobMemoryMb : config.defaultMemoryMb();
        if (memoryMb > 0) {
            try {
                host.withMemory(Math.multiplyExact(memoryMb, 1024L * 1024));
            } catch (ArithmeticException e) {
                throw new ProvisioningException("memory_mb " + memoryMb + " is more than Docker can be given", e);
            }
        }
        return host;
    }

    /** The image's working directory, or /work for images that have none (a tmpfs cannot be mounted on /). */
    private static String workingDir(DockerClient docker, String image) {
        String dir = docker.inspectImageCmd(image).exec().getConfig().getWorkingDir();
        return dir == null || dir.isBlank() || dir.equals("/") ? "/work" : dir;
    }

    @Override
    public void destroy(ManagedResource resource) throws ProvisioningException {
        try {
            client().removeContainerCmd(resource.resourceId()).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            // already gone
        } catch (RuntimeException e) {
            if (message(e).contains("already in progress")) return;
            throw new ProvisioningException("docker rm -f " + shortId(resource.resourceId()) + " failed: " + message(e), e);
        }
    }

    @Override
    public List<ManagedResource> list() throws ProvisioningException {
        try {
            List<Container> containers = client().listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of("hodei.managed", "true", "hodei.instance", identity.instanceId()))
                    .exec();
            return containers.stream().map(c -> new ManagedResource(c.getId(), workerId(c.getLabels()))).toList();
        } catch (RuntimeException e) {
            throw new ProvisioningException("docker ps failed: " + message(e), e);
        }
    }

    /**
     * The engine's cores and memory, and one container starting per two of its cores: a start keeps
     * dockerd, containerd, runc and the agent's JVM busy together, which no job's request counts
     * (docs/decisions.md, "Starts at once").
     */
    @Override
    public Capacity capacity() {
        try {
            Info info = client().infoCmd().exec();
            if (info.getNCPU() != null && info.getMemTotal() != null) {
                return new Capacity(info.getNCPU(), info.getMemTotal() / (1024 * 1024), Integer.MAX_VALUE,
                        startsAtOnce(info.getNCPU()));
            }
        } catch (ProvisioningException | RuntimeException e) {
            log.debug("Docker engine's resources unknown ({}); assuming this machine's", e.getMessage());
        }
        Capacity host = Capacity.ofHost();
        return new Capacity(host.cpu(), host.memoryMb(), host.workers(), startsAtOnce((int) host.cpu()));
    }

    static int startsAtOnce(int cores) {
        return Math.max(1, cores / 2);
    }

    @Override
    public void checkHealth() throws ProvisioningException {
        try {
            client().pingCmd().exec();
        } catch (RuntimeException e) {
            throw new ProvisioningException("Docker daemon at " + dockerHost() + " does not answer: " + message(e), e);
        }
    }

    /** The PEM agents verify the server with, or null when the server speaks plaintext. */
    private String trustPem() throws ProvisioningException {
        String file = grpc.trustFile();
        if (file.isBlank()) return null;
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new ProvisioningException("cannot read the server CA " + file + " for the agent: " + e.getMessage(), e);
        }
    }

    /** The address agents in containers dial. */
    public String serverAddress() {
        return config.serverAddress().isBlank() ? grpc.loopbackAddress() : config.serverAddress();
    }

    /** The engine's API version, negotiated on first use; a daemon that cannot be reached is a clear error. */
    DockerClient client() throws ProvisioningException {
        DockerClient c = client;
        if (c != null) return c;
        synchronized (this) {
            if (client != null) return client;
            String host = dockerHost();
            RemoteApiVersion version;
            try (DockerClient probe = open(host, PROBE_API)) {
                version = RemoteApiVersion.parseConfig(probe.versionCmd().exec().getApiVersion());
            } catch (IOException | RuntimeException e) {
                throw new ProvisioningException("Docker daemon unreachable at " + host + ": " + message(e), e);
            }
            RemoteApiVersion use = version.isGreater(NEWEST_API) ? NEWEST_API : version;
            log.info("Docker engine at {} speaks API {}; using {}", host, version, use);
            client = open(host, use);
            return client;
        }
    }

    @PreDestroy
    void close() throws IOException {
        DockerClient c = client;
        if (c != null) c.close();
    }

    private String dockerHost() {
        if (!config.host().isBlank()) return config.host();
        String env = System.getenv("DOCKER_HOST");
        return env == null || env.isBlank() ? "unix:///var/run/docker.sock" : env;
    }

    private static DockerClient open(String host, RemoteApiVersion version) {
        DockerClientConfig cfg = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host).withApiVersion(version).build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(cfg.getDockerHost())
                .maxConnections(64)
                .connectionTimeout(Duration.ofSeconds(3))
                .responseTimeout(Duration.ofSeconds(60))
                .build();
        return DockerClientImpl.getInstance(cfg, http);
    }

    private static UUID workerId(Map<String, String> labels) {
        try {
            return UUID.fromString(labels.getOrDefault("hodei.worker-id", ""));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    private static String message(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getMessage() == null) root = root.getCause();
        String m = root.getMessage() == null ? root.toString() : root.getMessage();
        return m.strip();
    }
}
