package dev.hodei.providers.kubernetes;

import dev.hodei.routes.LifecycleRoutes;
import dev.hodei.server.HodeiProperties;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Watches our worker pods and reports the ones that can never start (image cannot be pulled,
 * crash loop, pod failed) to route {@code worker-start-failed} at once, instead of letting the
 * job wait for the start deadline.
 */
@Component
@ConditionalOnProperty(name = "hodei.providers.kubernetes.enabled", havingValue = "true")
public class PodStartWatch implements SmartLifecycle {

    static final Set<String> HOPELESS = Set.of("ErrImagePull", "ImagePullBackOff", "CrashLoopBackOff",
            "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "ErrImageNeverPull");

    private static final Logger log = LoggerFactory.getLogger(PodStartWatch.class);

    private final KubernetesClient client;
    private final KubernetesProvider provider;
    private final LifecycleRoutes routes;
    private final String namespace;
    private final Set<UUID> reported = ConcurrentHashMap.newKeySet();
    private volatile SharedIndexInformer<Pod> informer;

    public PodStartWatch(@Qualifier("hodeiKubernetesClient") KubernetesClient client, KubernetesProvider provider,
                         LifecycleRoutes routes, HodeiProperties props) {
        this.client = client;
        this.provider = provider;
        this.routes = routes;
        this.namespace = props.providers().kubernetes().namespace();
    }

    /** Why the pod can never run its agent, if that is so. */
    static Optional<String> hopeless(Pod pod) {
        if (pod.getStatus() == null) return Optional.empty();
        if ("Failed".equals(pod.getStatus().getPhase())) {
            return Optional.of("POD_FAILED: " + Optional.ofNullable(pod.getStatus().getReason()).orElse("Failed")
                    + Optional.ofNullable(pod.getStatus().getMessage()).map(m -> ": " + m).orElse(""));
        }
        if (pod.getStatus().getContainerStatuses() == null) return Optional.empty();
        for (ContainerStatus c : pod.getStatus().getContainerStatuses()) {
            ContainerStateWaiting waiting = c.getState() == null ? null : c.getState().getWaiting();
            if (waiting != null && HOPELESS.contains(waiting.getReason())) {
                return Optional.of("START_FAILED: " + waiting.getReason()
                        + Optional.ofNullable(waiting.getMessage()).map(m -> ": " + m).orElse(""));
            }
        }
        return Optional.empty();
    }

    @Override
    public void start() {
        informer = client.pods().inNamespace(namespace).withLabels(provider.instanceLabels())
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Pod pod) {
                        check(pod);
                    }

                    @Override
                    public void onUpdate(Pod old, Pod pod) {
                        check(pod);
                    }

                    @Override
                    public void onDelete(Pod pod, boolean unknownFinalState) {
                        UUID id = KubernetesProvider.workerId(pod);
                        if (id != null) reported.remove(id);
                    }
                }, 0);
    }

    private void check(Pod pod) {
        UUID workerId = KubernetesProvider.workerId(pod);
        if (workerId == null) return;
        hopeless(pod).ifPresent(failure -> {
            if (!reported.add(workerId)) return;
            log.warn("Worker pod {} cannot start: {}", pod.getMetadata().getName(), failure);
            routes.workerStartFailed(workerId, failure);
        });
    }

    @Override
    public void stop() {
        SharedIndexInformer<Pod> i = informer;
        if (i != null) i.close();
        informer = null;
    }

    @Override
    public boolean isRunning() {
        return informer != null;
    }
}
