package dev.hodei.testing;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * fabric8's Kubernetes API mock (CRUD mode: a real REST API in memory) and a stand-in kubelet.
 * When a pod appears, the kubelet starts the agent as a local process with the pod's
 * environment (secret references resolved) and reports the pod's phase; when the pod is
 * deleted, it kills the process. Secret volumes become temporary directories with the Secret's
 * keys as files (the volume's default mode), and environment values under a mount path are
 * rewritten to point into them. Images under {@code unpullable/} end in ImagePullBackOff.
 * One per test JVM.
 */
public final class KubernetesMock {

    public static final String NAMESPACE = "hodei-workers";
    private static KubernetesMock instance;

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final Map<String, Process> agents = new ConcurrentHashMap<>();
    private final Map<String, Path> volumes = new ConcurrentHashMap<>();

    private KubernetesMock() throws Exception {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getByName("127.0.0.1"), 0);
        client = server.createClient();
        client.pods().inNamespace(NAMESPACE).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                schedule(pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
                Process p = agents.remove(pod.getMetadata().getName());
                if (p != null) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
                removeVolumes(pod.getMetadata().getName());
            }
        }, 0);
        Runtime.getRuntime().addShutdownHook(new Thread(this::close));
    }

    public static synchronized KubernetesMock get() {
        if (instance == null) {
            try {
                instance = new KubernetesMock();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the Kubernetes API mock", e);
            }
        }
        return instance;
    }

    public String masterUrl() {
        return client.getMasterUrl().toString();
    }

    public KubernetesClient client() {
        return client;
    }

    /** Pods of the workers' namespace, as the API reports them. */
    public List<Pod> pods() {
        return client.pods().inNamespace(NAMESPACE).list().getItems();
    }

    public List<Secret> secrets() {
        return client.secrets().inNamespace(NAMESPACE).list().getItems();
    }

    private void schedule(Pod pod) {
        String name = pod.getMetadata().getName();
        Container c = pod.getSpec().getContainers().get(0);
        if (c.getImage().startsWith("unpullable/")) {
            status(name, "Pending", new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage())
                    .withReady(false).withNewState().withNewWaiting().withReason("ImagePullBackOff")
                    .withMessage("Back-off pulling image \"" + c.getImage() + "\"").endWaiting().endState().build());
            return;
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Dhodei.test.pod=" + name, "-jar", agentJar());
            pb.environment().keySet().removeIf(k -> k.startsWith("HODEI_"));
            Map<String, Path> mounts = mountSecretVolumes(pod, c);
            for (EnvVar e : c.getEnv()) pb.environment().put(e.getName(), underMounts(value(e), mounts));
            pb.redirectErrorStream(true).redirectOutput(kubeletLog(name));
            Process p = pb.start();
            agents.put(name, p);
            status(name, "Running", new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage())
                    .withReady(true).withNewState().withNewRunning().endRunning().endState().build());
            p.onExit().thenRun(() -> {
                removeVolumes(name);
                if (agents.remove(name, p)) {
                    status(name, p.exitValue() == 0 ? "Succeeded" : "Failed", null);
                }
            });
        } catch (Exception e) {
            status(name, "Failed", null);
        }
    }

    /** Each secret volume the container mounts, as a temporary directory: mount path → directory. */
    private Map<String, Path> mountSecretVolumes(Pod pod, Container c) throws IOException {
        Map<String, Path> mounts = new HashMap<>();
        if (pod.getSpec().getVolumes() == null || c.getVolumeMounts() == null) return mounts;
        Path root = Files.createTempDirectory("hodei-kubelet-" + pod.getMetadata().getName());
        volumes.put(pod.getMetadata().getName(), root);
        for (Volume v : pod.getSpec().getVolumes()) {
            if (v.getSecret() == null) continue;
            Secret s = client.secrets().inNamespace(NAMESPACE).withName(v.getSecret().getSecretName()).get();
            if (s == null) throw new IllegalStateException("secret " + v.getSecret().getSecretName() + " missing");
            Path dir = Files.createDirectory(root.resolve(v.getName()));
            int mode = v.getSecret().getDefaultMode() == null ? 0644 : v.getSecret().getDefaultMode();
            for (Map.Entry<String, String> key : secretData(s).entrySet()) {
                Path file = dir.resolve(key.getKey());
                Files.writeString(file, key.getValue());
                Files.setPosixFilePermissions(file, permissions(mode));
            }
            for (VolumeMount m : c.getVolumeMounts()) {
                if (m.getName().equals(v.getName())) mounts.put(m.getMountPath(), dir);
            }
        }
        return mounts;
    }

    private static String underMounts(String value, Map<String, Path> mounts) {
        if (value == null) return null;
        for (Map.Entry<String, Path> m : mounts.entrySet()) {
            if (value.equals(m.getKey()) || value.startsWith(m.getKey() + "/")) {
                return m.getValue() + value.substring(m.getKey().length());
            }
        }
        return value;
    }

    private static Map<String, String> secretData(Secret s) {
        Map<String, String> data = new HashMap<>();
        if (s.getStringData() != null) data.putAll(s.getStringData());
        if (s.getData() != null) s.getData().forEach((k, v) ->
                data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        return data;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ … OTHERS_EXECUTE, high bit first
        for (int i = 0; i < 9; i++) {
            if ((mode & (1 << (8 - i))) != 0) set.add(bits[i]);
        }
        return set;
    }

    private void removeVolumes(String pod) {
        Path root = volumes.remove(pod);
        if (root == null) return;
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // a temp dir left behind costs disk, not correctness
        }
    }

    private String value(EnvVar e) {
        if (e.getValueFrom() == null || e.getValueFrom().getSecretKeyRef() == null) return e.getValue();
        var ref = e.getValueFrom().getSecretKeyRef();
        Secret s = client.secrets().inNamespace(NAMESPACE).withName(ref.getName()).get();
        if (s == null) throw new IllegalStateException("secret " + ref.getName() + " missing");
        if (s.getData() != null && s.getData().containsKey(ref.getKey())) {
            return new String(Base64.getDecoder().decode(s.getData().get(ref.getKey())), StandardCharsets.UTF_8);
        }
        return s.getStringData().get(ref.getKey());
    }

    private void status(String pod, String phase, io.fabric8.kubernetes.api.model.ContainerStatus container) {
        try {
            client.pods().inNamespace(NAMESPACE).withName(pod).editStatus(p -> {
                p.setStatus(new PodStatusBuilder().withPhase(phase)
                        .withContainerStatuses(container == null ? List.of() : List.of(container)).build());
                return p;
            });
        } catch (RuntimeException ignored) {
            // the pod was deleted meanwhile
        }
    }

    private static File kubeletLog(String pod) {
        File dir = new File("target/kubelet");
        dir.mkdirs();
        return new File(dir, pod + ".log");
    }

    private static String agentJar() {
        String jar = System.getProperty("hodei.agent.jar", "target/hodei-agent.jar");
        return Path.of(jar).toAbsolutePath().toString();
    }

    private void close() {
        agents.values().forEach(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
        volumes.keySet().forEach(this::removeVolumes);
        client.close();
        server.destroy();
    }

    /** After a test class: no hodei.managed pod or secret is left (and none is, even when one was). */
    public void assertNoneLeft() {
        try {
            org.awaitility.Awaitility.await("no hodei.managed pod or secret left")
                    .atMost(java.time.Duration.ofSeconds(15)).until(() -> pods().isEmpty() && secrets().isEmpty());
        } finally {
            client().pods().inNamespace(NAMESPACE).delete();
            client().secrets().inNamespace(NAMESPACE).delete();
        }
    }
}
