package dev.hodei.providers.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hodei.providers.WorkerLaunch;
import hodei.v1.JobSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** deploy/kubernetes parses as Kubernetes objects, and the provider's Role stays least-privilege. */
class DeployManifestsTest {

    @Test
    void manifestsParseAndTheRoleGrantsOnlyWhatTheProviderUses() throws Exception {
        List<HasMetadata> objects = new ArrayList<>();
        try (KubernetesClient client = new KubernetesClientBuilder().build();
             Stream<Path> files = Files.list(Path.of("deploy", "kubernetes"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    objects.addAll(client.load(in).items());
                }
            }
        }
        assertThat(objects).extracting(HasMetadata::getKind)
                .contains("Namespace", "ServiceAccount", "Role", "RoleBinding", "Service", "Deployment", "NetworkPolicy");

        Role role = (Role) objects.stream().filter(o -> o instanceof Role).findFirst().orElseThrow();
        assertThat(role.getMetadata().getNamespace()).isEqualTo("hodei-workers");
        assertThat(role.getRules()).hasSize(2);
        for (PolicyRule rule : role.getRules()) {
            assertThat(rule.getApiGroups()).containsExactly("");
            if (rule.getResources().equals(List.of("pods"))) {
                assertThat(rule.getVerbs()).containsExactlyInAnyOrder("create", "get", "list", "watch", "delete");
            } else {
                assertThat(rule.getResources()).containsExactly("secrets");
                assertThat(rule.getVerbs()).containsExactlyInAnyOrder("create", "get", "patch", "delete");
            }
        }
    }

    @Test
    void theNetworkPolicyLetsWorkerPodsReachOnlyTheControlPlanesGrpcPortAndDns() throws Exception {
        List<HasMetadata> objects;
        try (KubernetesClient client = new KubernetesClientBuilder().build();
             InputStream in = Files.newInputStream(Path.of("deploy", "kubernetes", "network-policy.yaml"))) {
            objects = client.load(in).items();
        }
        NetworkPolicy policy = (NetworkPolicy) objects.get(0);
        WorkerLaunch launch = new WorkerLaunch(UUID.randomUUID(), UUID.randomUUID(), 1, JobSpec.getDefaultInstance(), 60,
                "otp", "instance", Instant.now());

        assertThat(policy.getMetadata().getNamespace()).isEqualTo("hodei-workers");
        assertThat(launch.labels()).as("the labels of every worker pod")
                .containsAllEntriesOf(policy.getSpec().getPodSelector().getMatchLabels());
        assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(policy.getSpec().getIngress()).as("no connection into a worker").isEmpty();
        List<NetworkPolicyEgressRule> egress = policy.getSpec().getEgress();
        assertThat(egress).hasSize(2);
        NetworkPolicyPeer controlPlane = egress.get(0).getTo().get(0);
        assertThat(controlPlane.getNamespaceSelector().getMatchLabels())
                .containsExactly(Map.entry("kubernetes.io/metadata.name", "hodei-system"));
        assertThat(controlPlane.getPodSelector().getMatchLabels()).containsExactly(Map.entry("app", "hodei-control-plane"));
        assertThat(egress.get(0).getPorts()).singleElement()
                .satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(50051));
        assertThat(egress.get(1).getTo().get(0).getPodSelector().getMatchLabels())
                .containsExactly(Map.entry("k8s-app", "kube-dns"));
        assertThat(egress.get(1).getPorts()).allSatisfy(p -> assertThat(p.getPort().getIntVal()).isEqualTo(53));
        assertThat(egress).allSatisfy(rule -> assertThat(rule.getTo()).allSatisfy(peer ->
                assertThat(peer.getIpBlock()).as("no address range").isNull()));
    }
}
