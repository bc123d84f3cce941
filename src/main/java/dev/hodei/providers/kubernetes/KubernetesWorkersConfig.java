package dev.hodei.providers.kubernetes;

import dev.hodei.server.HodeiProperties;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Kubernetes client the workers' provider uses (bean {@code hodeiKubernetesClient}, also
 * handed to camel-kubernetes endpoints). Checks the advertised address at start-up: the original
 * system's pods dialled {@code host.docker.internal} and were never heard from (seed 001).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "hodei.providers.kubernetes.enabled", havingValue = "true")
public class KubernetesWorkersConfig {

    private static final Logger log = LoggerFactory.getLogger(KubernetesWorkersConfig.class);

    @Bean(destroyMethod = "close")
    KubernetesClient hodeiKubernetesClient(HodeiProperties props) {
        HodeiProperties.Kubernetes k = props.providers().kubernetes();
        checkServerAddress(k.serverAddress());
        Config config;
        if (!k.masterUrl().isBlank()) {
            config = new ConfigBuilder(Config.empty()).withMasterUrl(k.masterUrl()).withTrustCerts(true)
                    .withNamespace(k.namespace()).build();
        } else if (!k.kubeconfig().isBlank()) {
            try {
                config = Config.fromKubeconfig(Files.readString(Path.of(k.kubeconfig())));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read kubeconfig " + k.kubeconfig(), e);
            }
        } else {
            config = Config.autoConfigure(null); // $KUBECONFIG, ~/.kube/config, or the pod's service account
        }
        log.info("Kubernetes workers: API {} namespace {}, agents dial {}", config.getMasterUrl(), k.namespace(),
                k.serverAddress());
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** A missing or unusable address stops the start-up with the reason, rather than a job later. */
    static void checkServerAddress(String addresses) {
        if (addresses == null || addresses.isBlank()) {
            throw new IllegalStateException("hodei.providers.kubernetes.server-address is not set: pods need the "
                    + "address of this control plane as they can reach it (e.g. hodei.hodei-system.svc:50051)");
        }
        // several, comma-separated: replicas an agent tries in turn
        for (String address : addresses.split(",")) checkOneAddress(address.strip());
    }

    private static void checkOneAddress(String address) {
        int colon = address.lastIndexOf(':');
        String host = colon > 0 ? address.substring(0, colon) : "";
        String port = colon > 0 ? address.substring(colon + 1) : "";
        if (host.isBlank() || !port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
            throw new IllegalStateException("hodei.providers.kubernetes.server-address '" + address
                    + "' is not host:port");
        }
        if (host.equals("host.docker.internal")) {
            throw new IllegalStateException("hodei.providers.kubernetes.server-address '" + address
                    + "': host.docker.internal does not resolve inside Kubernetes pods; use the control plane's "
                    + "Service name");
        }
        try {
            if (InetAddress.getByName(host).isLoopbackAddress()) {
                log.warn("hodei.providers.kubernetes.server-address {} is a loopback address: only pods sharing "
                        + "this host's network (hostNetwork) can reach it", address);
            }
        } catch (IOException e) {
            log.warn("hodei.providers.kubernetes.server-address {}: {} does not resolve here; pods must be able "
                    + "to resolve it", address, host);
        }
    }
}
