package dev.hodei.providers.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
                .contains("Namespace", "ServiceAccount", "Role", "RoleBinding", "Service", "Deployment");

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
}
