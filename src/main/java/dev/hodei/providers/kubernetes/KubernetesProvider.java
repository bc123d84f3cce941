package dev.hodei.providers.kubernetes;

import dev.hodei.providers.ManagedResource;
import dev.hodei.providers.ProvisioningException;
import dev.hodei.providers.WorkerLaunch;
import dev.hodei.providers.WorkerProvider;
import dev.hodei.server.ControlPlaneIdentity;
import dev.hodei.server.HodeiProperties;
import io.fabric8.kubernetes.api.model.CapabilitiesBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfileBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kubernetes.KubernetesConstants;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Workers as pods {@code hodei-worker-<worker id>} in the workers' namespace. Listing and
 * deleting go through camel-kubernetes ({@code kubernetes-pods}, {@code kubernetes-secrets});
 * creation is a fabric8 call because the component's createPod can set neither annotations nor
 * anything but name, labels and spec. The OTP (and the server's CA) reach the agent as files of a
 * per-worker Secret volume; the Secret is owned by the pod, so it is deleted with it, and the token
 * appears neither in the pod spec nor in the container's environment. Pods meet the "restricted"
 * Pod Security Standard (non-root, RuntimeDefault seccomp, no capabilities, no privilege
 * escalation), mount no API token, and always have requests and limits.
 */
@Component
@ConditionalOnProperty(name = "hodei.providers.kubernetes.enabled", havingValue = "true")
public class KubernetesProvider implements WorkerProvider {

    static final String PODS = "kubernetes-pods:///?kubernetesClient=#hodeiKubernetesClient&operation=";
    /** The per-worker Secret, mounted 0400: key {@code otp}, and {@code ca.crt} when the server speaks TLS. */
    static final String SECRET_VOLUME = "hodei-agent";
    static final String SECRET_MOUNT = "/var/run/hodei";
    static final String OTP_KEY = "otp";
    static final String CA_KEY = "ca.crt";
    static final String SECRETS = "kubernetes-secrets:///?kubernetesClient=#hodeiKubernetesClient&operation=";

    private final KubernetesClient client;
    private final ProducerTemplate camel;
    private final HodeiProperties.Kubernetes config;
    private final HodeiProperties.Workers workers;
    private final ControlPlaneIdentity identity;
    private final String trustFile;

    public KubernetesProvider(@Qualifier("hodeiKubernetesClient") KubernetesClient client, ProducerTemplate camel,
                              HodeiProperties props, ControlPlaneIdentity identity) {
        this.client = client;
        this.camel = camel;
        this.config = props.providers().kubernetes();
        this.workers = props.workers();
        this.identity = identity;
        this.trustFile = props.grpc().tls().trustFile();
    }

    @Override
    public String name() {
        return "kubernetes";
    }

    @Override
    public void provision(WorkerLaunch launch, Consumer<String> recordResource) throws ProvisioningException {
        String pod = podName(launch.workerId());
        String ns = config.namespace();
        // The name is ours to choose, so it is recorded before the pod can exist, let alone register.
        recordResource.accept(ns + "/" + pod);
        try {
            client.secrets().inNamespace(ns).resource(new SecretBuilder()
                    .withNewMetadata().withName(secretName(pod)).withLabels(labels(launch)).endMetadata()
                    .withType("Opaque").withStringData(secretData(launch)).build()).create();
            Pod created = client.pods().inNamespace(ns).resource(pod(launch, pod)).create();
            // Owned by the pod: the cluster deletes the Secret with it, whoever deletes the pod.
            client.secrets().inNamespace(ns).withName(secretName(pod)).edit(s -> {
                s.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder().withApiVersion("v1")
                        .withKind("Pod").withName(pod).withUid(created.getMetadata().getUid()).build()));
                return s;
            });
        } catch (KubernetesClientException e) {
            throw new ProvisioningException("Kubernetes refused pod " + ns + "/" + pod + ": " + reason(e), e);
        }
    }

    @Override
    public void destroy(ManagedResource resource) throws ProvisioningException {
        String[] nsName = resource.resourceId().split("/", 2);
        if (nsName.length != 2) throw new ProvisioningException("not namespace/pod: " + resource.resourceId());
        Map<String, Object> pod = Map.of(KubernetesConstants.KUBERNETES_NAMESPACE_NAME, nsName[0],
                KubernetesConstants.KUBERNETES_POD_NAME, nsName[1]);
        Map<String, Object> secret = Map.of(KubernetesConstants.KUBERNETES_NAMESPACE_NAME, nsName[0],
                KubernetesConstants.KUBERNETES_SECRET_NAME, secretName(nsName[1]));
        try {
            camel.requestBodyAndHeaders(PODS + "deletePod", null, pod);
            // Normally collected with its owner; deleted here too, for clusters without that collector.
            camel.requestBodyAndHeaders(SECRETS + "deleteSecret", null, secret);
        } catch (CamelExecutionException e) {
            throw new ProvisioningException("Kubernetes delete of " + resource.resourceId() + " failed: "
                    + reason(e.getCause()), e);
        }
    }

    @Override
    public List<ManagedResource> list() throws ProvisioningException {
        try {
            List<?> pods = camel.requestBodyAndHeaders(PODS + "listPodsByLabels", null, Map.of(
                    KubernetesConstants.KUBERNETES_NAMESPACE_NAME, config.namespace(),
                    KubernetesConstants.KUBERNETES_PODS_LABELS, instanceLabels()), List.class);
            List<ManagedResource> out = new ArrayList<>();
            for (Object o : pods) {
                Pod p = (Pod) o;
                out.add(new ManagedResource(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName(),
                        workerId(p)));
            }
            return out;
        } catch (CamelExecutionException e) {
            throw new ProvisioningException("Kubernetes list of worker pods failed: " + reason(e.getCause()), e);
        }
    }

    @Override
    public void checkHealth() throws ProvisioningException {
        try {
            client.pods().inNamespace(config.namespace()).withLabels(instanceLabels()).list();
        } catch (KubernetesClientException e) {
            throw new ProvisioningException("Kubernetes API: " + reason(e), e);
        }
    }

    /** The labels that select this control plane's worker pods. */
    Map<String, String> instanceLabels() {
        return Map.of("hodei.managed", "true", "hodei.instance", identity.instanceId());
    }

    Pod pod(WorkerLaunch launch, String name) {
        List<EnvVar> env = new ArrayList<>();
        launch.agentEnvironment(config.serverAddress()).forEach((k, v) -> env.add(new EnvVar(k, v, null)));
        // Files of the mounted Secret, not env values or env secret refs (those show in the container's environ).
        env.add(new EnvVar("HODEI_OTP_FILE", SECRET_MOUNT + "/" + OTP_KEY, null));
        if (!trustFile.isBlank()) env.add(new EnvVar("HODEI_SERVER_CA_FILE", SECRET_MOUNT + "/" + CA_KEY, null));
        Map<String, Quantity> resources = resources(launch);
        PodSpecBuilder spec = new PodSpecBuilder()
                .withRestartPolicy("Never")
                // the job's run deadline plus the time allowed to start: Kubernetes ends a pod we forgot.
                // A warm pod waits for a job first, for as long as its pool keeps it: the agent
                // enforces the run deadline of the job it gets, and reap-workers a silent agent.
                .withActiveDeadlineSeconds(launch.warm() ? null
                        : launch.runTimeoutSeconds() + workers.startDeadline().toSeconds())
                // a job has no business with the API server, whatever service account the pod has
                .withAutomountServiceAccountToken(false)
                .withSecurityContext(new PodSecurityContextBuilder()
                        .withRunAsNonRoot(true)
                        .withRunAsUser(config.runAsUser())
                        .withRunAsGroup(config.runAsUser())
                        // the kubelet gives this group read access to the Secret volume (its files are 0400 root's otherwise)
                        .withFsGroup(config.runAsUser())
                        .withSeccompProfile(new SeccompProfileBuilder().withType("RuntimeDefault").build())
                        .build())
                .withNodeSelector(config.nodeSelector().isEmpty() ? null : config.nodeSelector())
                .withTolerations(tolerations())
                .addToContainers(new ContainerBuilder()
                        .withName("agent")
                        .withImage(launch.spec().getImage().isEmpty() ? config.image() : launch.spec().getImage())
                        .withImagePullPolicy(config.imagePullPolicy())
                        .withEnv(env)
                        // the "restricted" Pod Security Standard
                        .withSecurityContext(new SecurityContextBuilder()
                                .withAllowPrivilegeEscalation(false)
                                .withCapabilities(new CapabilitiesBuilder().withDrop("ALL").build())
                                .build())
                        .withVolumeMounts(new VolumeMountBuilder().withName(SECRET_VOLUME).withMountPath(SECRET_MOUNT)
                                .withReadOnly(true).build())
                        .withResources(new ResourceRequirementsBuilder()
                                .withRequests(resources.isEmpty() ? null : resources)
                                .withLimits(resources.isEmpty() ? null : resources).build())
                        .build())
                .addToVolumes(new VolumeBuilder().withName(SECRET_VOLUME).withNewSecret()
                        .withSecretName(secretName(name)).withDefaultMode(0400).endSecret().build());
        if (!config.serviceAccount().isBlank()) spec.withServiceAccountName(config.serviceAccount());
        if (!config.imagePullSecret().isBlank()) {
            spec.withImagePullSecrets(new LocalObjectReference(config.imagePullSecret()));
        }
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(config.namespace())
                .withLabels(labels(launch))
                .withAnnotations(Map.of("hodei.created-at", launch.createdAt().toString(),
                        "hodei.job-attempt", Integer.toString(launch.attempt())))
                .endMetadata()
                .withSpec(spec.build())
                .build();
    }

    /** Requests and limits: the job's cpu and memory, or the defaults for what it leaves out. */
    private Map<String, Quantity> resources(WorkerLaunch launch) {
        Map<String, Quantity> resources = new HashMap<>();
        String cpu = launch.spec().getCpu() > 0 ? Double.toString(launch.spec().getCpu()) : config.defaultCpu();
        String memory = launch.spec().getMemoryMb() > 0 ? launch.spec().getMemoryMb() + "Mi" : config.defaultMemory();
        if (!cpu.isBlank()) resources.put("cpu", new Quantity(cpu.strip()));
        if (!memory.isBlank()) resources.put("memory", new Quantity(memory.strip()));
        return resources;
    }

    /** The token, and the CA agents verify the server with when it speaks TLS. */
    private Map<String, String> secretData(WorkerLaunch launch) throws ProvisioningException {
        Map<String, String> data = new HashMap<>();
        data.put(OTP_KEY, launch.otp());
        if (!trustFile.isBlank()) {
            try {
                data.put(CA_KEY, Files.readString(Path.of(trustFile)));
            } catch (IOException e) {
                throw new ProvisioningException("cannot read the server CA " + trustFile + " for the agent: "
                        + e.getMessage(), e);
            }
        }
        return data;
    }

    /** The labels of {@link WorkerLaunch#labels()}; hodei.created-at is not a valid label value, so it is an annotation. */
    private static Map<String, String> labels(WorkerLaunch launch) {
        Map<String, String> labels = new HashMap<>(launch.labels());
        labels.remove("hodei.created-at");
        return labels;
    }

    private List<Toleration> tolerations() {
        return config.tolerations().stream().map(t -> new TolerationBuilder().withKey(t.key())
                .withOperator(t.operator()).withValue(t.value()).withEffect(t.effect()).build()).toList();
    }

    static String podName(UUID workerId) {
        return "hodei-worker-" + workerId;
    }

    static String secretName(String podName) {
        return podName + "-otp";
    }

    static UUID workerId(Pod pod) {
        try {
            return UUID.fromString(pod.getMetadata().getLabels().getOrDefault("hodei.worker-id", ""));
        } catch (IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }

    private static String reason(Throwable e) {
        if (e instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null) {
            return k.getStatus().getMessage();
        }
        return e == null ? "unknown" : String.valueOf(e.getMessage());
    }
}
