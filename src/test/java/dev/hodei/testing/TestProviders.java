package dev.hodei.testing;

import dev.hodei.providers.ManagedResource;
import dev.hodei.providers.ProvisioningException;
import dev.hodei.providers.WorkerLaunch;
import dev.hodei.providers.WorkerProvider;
import dev.hodei.providers.docker.DockerProvider;
import dev.hodei.server.ControlPlaneIdentity;
import dev.hodei.server.GrpcEndpoint;
import dev.hodei.server.HodeiProperties;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Providers that misbehave on purpose: {@code stalled} starts a process whose agent never
 * registers; {@code held} does the same, but only once the test lets it ({@link #releaseHeld});
 * {@code broken} fails every call; {@code docker-unreachable} is the real Docker
 * provider pointed at a socket where no daemon listens; {@code unremovable} starts real agents and
 * cannot destroy them while a test says so ({@link #refuseDestroys}).
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestProviders {

    private static final Semaphore HELD = new Semaphore(0);
    private static final AtomicInteger HELD_CALLS = new AtomicInteger();

    /** A provider that starts nothing, for what checks providers at start; {@code withheld}: why not offered, or null. */
    public static WorkerProvider inert(String name, String withheld) {
        return new WorkerProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Optional<String> withheld() {
                return Optional.ofNullable(withheld);
            }

            @Override
            public void provision(WorkerLaunch launch, Consumer<String> recordResource) {
            }

            @Override
            public void destroy(ManagedResource resource) {
            }

            @Override
            public List<ManagedResource> list() {
                return List.of();
            }

            @Override
            public void checkHealth() {
            }
        };
    }

    /** Lets one held {@code provision} call go on and start its process. */
    public static void releaseHeld() {
        HELD.release();
    }

    /** How many {@code provision} calls the {@code held} provider has had. */
    public static int heldCalls() {
        return HELD_CALLS.get();
    }

    @Bean
    WorkerProvider heldProvider() {
        // no labels: no provider lists its processes, so the GC never finds them; only the control plane's own destroy ends them
        return new SleeperProvider("held", false, () -> {
            HELD_CALLS.incrementAndGet();
            try {
                if (!HELD.tryAcquire(60, TimeUnit.SECONDS)) throw new ProvisioningException("held too long");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProvisioningException("interrupted", e);
            }
        });
    }

    @Bean
    WorkerProvider stalledProvider() {
        // its processes carry the process provider's labels, so that one lists them
        return new SleeperProvider("stalled", true, () -> {});
    }

    /** What a provider does before it starts its process. */
    private interface BeforeStart {
        void run() throws ProvisioningException;
    }

    /** Starts a process that sleeps and never registers; lists nothing itself. */
    private record SleeperProvider(String name, boolean labelled, BeforeStart beforeStart) implements WorkerProvider {

        @Override
        public void provision(WorkerLaunch launch, Consumer<String> recordResource) throws ProvisioningException {
            beforeStart.run();
            List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "sleep 600; :"));
            if (labelled) launch.labels().forEach((k, v) -> command.add("-D" + k + "=" + v));
            try {
                recordResource.accept(Long.toString(new ProcessBuilder(command).start().pid()));
            } catch (IOException e) {
                throw new ProvisioningException(e.getMessage(), e);
            }
        }

        @Override
        public void destroy(ManagedResource resource) {
            ProcessHandle.of(Long.parseLong(resource.resourceId())).ifPresent(p -> {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.onExit().join();
            });
        }

        @Override
        public List<ManagedResource> list() {
            return List.of();
        }

        @Override
        public void checkHealth() {
        }
    }

    private static final java.util.concurrent.atomic.AtomicBoolean DESTROYS_REFUSED = new java.util.concurrent.atomic.AtomicBoolean();
    private static final AtomicInteger REFUSED_DESTROYS = new AtomicInteger();

    /** While true, provider {@code unremovable} refuses to destroy its workers, as a daemon that went away. */
    public static void refuseDestroys(boolean refuse) {
        DESTROYS_REFUSED.set(refuse);
    }

    public static int refusedDestroys() {
        return REFUSED_DESTROYS.get();
    }

    /** The process provider's real agents, under a name of its own, whose destroy fails while {@link #refuseDestroys} says so. */
    @Bean
    WorkerProvider unremovableProvider(dev.hodei.providers.process.ProcessProvider process) {
        return new WorkerProvider() {
            @Override
            public String name() {
                return "unremovable";
            }

            @Override
            public void provision(WorkerLaunch launch, Consumer<String> recordResource) throws ProvisioningException {
                process.provision(launch, recordResource);
            }

            @Override
            public void destroy(ManagedResource resource) throws ProvisioningException {
                if (DESTROYS_REFUSED.get()) {
                    REFUSED_DESTROYS.incrementAndGet();
                    throw new ProvisioningException("cannot reach the provider daemon (connection refused)");
                }
                process.destroy(resource);
            }

            @Override
            public List<ManagedResource> list() {
                return List.of(); // the process provider lists its agents already
            }

            @Override
            public void checkHealth() {
            }
        };
    }

    /** A Docker provider whose daemon does not exist. */
    @Bean
    WorkerProvider unreachableDockerProvider(HodeiProperties props, GrpcEndpoint grpc, ControlPlaneIdentity identity) {
        HodeiProperties.Docker d = props.providers().docker();
        return new DockerProvider("docker-unreachable", new HodeiProperties.Docker(true,
                "unix:///tmp/hodei-no-such-docker.sock", d.image(), d.serverAddress(), d.networkMode(), d.user(),
                d.pidsLimit(), d.defaultMemoryMb(), d.readOnlyRootfs()), grpc, identity);
    }

    @Bean
    WorkerProvider brokenProvider() {
        return new WorkerProvider() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public void provision(WorkerLaunch launch, Consumer<String> recordResource) throws ProvisioningException {
                throw new ProvisioningException("cannot reach the provider daemon (connection refused)");
            }

            @Override
            public void destroy(ManagedResource resource) throws ProvisioningException {
                throw new ProvisioningException("cannot reach the provider daemon (connection refused)");
            }

            @Override
            public List<ManagedResource> list() {
                return List.of();
            }

            @Override
            public void checkHealth() throws ProvisioningException {
                throw new ProvisioningException("cannot reach the provider daemon (connection refused)");
            }
        };
    }
}
