package dev.hodei.providers.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hodei.testing.ControlPlaneIT;
import dev.hodei.testing.Docker;
import dev.hodei.testing.KubernetesMock;
import dev.hodei.testing.Rows;
import dev.hodei.testing.TokenScan;
import dev.hodei.workers.WorkerStore;
import hodei.v1.Job;
import hodei.v1.JobSpec;
import hodei.v1.JobState;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The Kubernetes provider against fabric8's API mock, with the test playing kubelet. */
class KubernetesProviderIT extends ControlPlaneIT {

    final KubernetesMock k8s = KubernetesMock.get();
    @Autowired WorkerStore workers;

    @AfterAll
    static void noPodLeft() {
        KubernetesMock.get().assertNoneLeft();
    }

    @Test
    void aJobRunsInAPodWithTheRightSpecAndPodAndSecretAreDeletedAfter() {
        Job job = client.submit(JobSpec.newBuilder().setProvider("kubernetes").setCpu(0.5).setMemoryMb(300)
                .setRunTimeoutSeconds(120).setShell("sleep 1; echo \"in pod $HODEI_JOB_ID\"").build());
        await("pod running").atMost(Duration.ofSeconds(20)).until(() -> client.get(job.getId()).getState()
                == JobState.JOB_STATE_RUNNING);
        String workerId = client.get(job.getId()).getWorkerId();
        Pod pod = k8s.client().pods().inNamespace(KubernetesMock.NAMESPACE).withName("hodei-worker-" + workerId).get();

        assertThat(pod.getMetadata().getLabels()).containsEntry("hodei.managed", "true")
                .containsEntry("hodei.worker-id", workerId).containsEntry("hodei.job-id", job.getId())
                .containsEntry("hodei.instance", identity.instanceId());
        assertThat(pod.getMetadata().getAnnotations()).containsKey("hodei.created-at");
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getSpec().getActiveDeadlineSeconds()).isEqualTo(120 + 8);
        Container c = pod.getSpec().getContainers().get(0);
        assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits().get("memory").toString()).isEqualTo("300Mi");
        // The OTP is a file of the mounted Secret: neither an env value nor an env secret ref (both end up in environ).
        assertThat(c.getEnv()).extracting(EnvVar::getName).contains("HODEI_SERVER_ADDRESS", "HODEI_WORKER_ID",
                "HODEI_JOB_ID", "HODEI_WORKER_MODE", "HODEI_OTP_FILE").doesNotContain("HODEI_OTP_TOKEN");
        assertThat(c.getEnv()).allSatisfy(e -> assertThat(e.getValueFrom()).as(e.getName()).isNull());
        assertThat(c.getEnv()).filteredOn(e -> e.getName().equals("HODEI_OTP_FILE")).extracting(EnvVar::getValue)
                .containsExactly("/var/run/hodei/otp");
        assertThat(c.getVolumeMounts()).singleElement().satisfies(m -> {
            assertThat(m.getMountPath()).isEqualTo("/var/run/hodei");
            assertThat(m.getReadOnly()).isTrue();
        });
        assertThat(pod.getSpec().getVolumes()).singleElement().satisfies(v -> {
            assertThat(v.getSecret().getSecretName()).isEqualTo("hodei-worker-" + workerId + "-otp");
            assertThat(v.getSecret().getDefaultMode()).isEqualTo(0400);
        });
        Set<String> hashes = rows.tokensOfWorker(UUID.fromString(workerId)).stream().map(Rows.BootstrapToken::hash)
                .collect(Collectors.toSet());
        assertThat(TokenScan.containsTokenOf(Serialization.asJson(pod), hashes)).as("token in the pod").isFalse();
        assertThat(k8s.client().secrets().inNamespace(KubernetesMock.NAMESPACE)
                .withName("hodei-worker-" + workerId + "-otp").get().getMetadata().getOwnerReferences())
                .extracting(r -> r.getName()).containsExactly("hodei-worker-" + workerId);

        assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSpec().getSecurityContext().getRunAsUser()).isEqualTo(65534L);
        assertThat(pod.getSpec().getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");

        Job done = client.awaitEnd(job.getId());
        assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(rows.tokenOfJob(UUID.fromString(job.getId())).resourceId())
                .isEqualTo(KubernetesMock.NAMESPACE + "/hodei-worker-" + workerId);
        await("pod and secret deleted").atMost(Duration.ofSeconds(10)).until(() ->
                k8s.client().pods().inNamespace(KubernetesMock.NAMESPACE).withName("hodei-worker-" + workerId).get() == null
                        && k8s.client().secrets().inNamespace(KubernetesMock.NAMESPACE)
                        .withName("hodei-worker-" + workerId + "-otp").get() == null);
        // the row is written once the provider's delete has returned, a moment after the mock shows it
        await("destruction recorded").atMost(Duration.ofSeconds(10)).until(
                () -> workers.find(UUID.fromString(workerId)).orElseThrow().destroyedAt() != null);
        assertThat(workers.find(UUID.fromString(workerId)).orElseThrow().destroyReason()).isEqualTo("immediate");
    }

    @Test
    void aJobThatNamesNoCpuOrMemoryGetsTheDefaultRequestsAndLimits() {
        Job job = client.submit(JobSpec.newBuilder().setProvider("kubernetes").setShell("true").build());
        // a failure names the job's state and why it waits, and the pods there are (a CI run once timed out here)
        await("pod created").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Job now = client.get(job.getId());
            List<String> pods = k8s.pods().stream().map(p -> p.getMetadata().getName()).toList();
            assertThat(now.getWorkerId()).as("worker of %s; pods %s", now, pods).isNotEmpty();
            assertThat(k8s.client().pods().inNamespace(KubernetesMock.NAMESPACE)
                    .withName("hodei-worker-" + now.getWorkerId()).get()).as("pod of %s; pods %s", now, pods)
                    .isNotNull();
        });
        Pod pod = k8s.client().pods().inNamespace(KubernetesMock.NAMESPACE)
                .withName("hodei-worker-" + client.get(job.getId()).getWorkerId()).get();
        Container c = pod.getSpec().getContainers().get(0);

        assertThat(c.getResources().getRequests()).containsOnlyKeys("cpu", "memory");
        assertThat(c.getResources().getLimits().get("cpu").toString()).isEqualTo("1");
        assertThat(c.getResources().getLimits().get("memory").toString()).isEqualTo("1Gi");
        assertThat(client.awaitEnd(job.getId()).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    }

    @Test
    void threeDockerAndThreeKubernetesJobsAtOnceAllSucceedAndNothingRemains() {
        Docker.require();
        List<String> ids = new ArrayList<>();
        for (String provider : List.of("docker", "kubernetes", "docker", "kubernetes", "docker", "kubernetes")) {
            ids.add(client.submit(JobSpec.newBuilder().setProvider(provider)
                    .setShell("echo hello from " + provider).build()).getId());
        }
        for (String id : ids) {
            Job done = client.awaitEnd(id);
            assertThat(done.getState()).as(done.getProvider() + " job " + id + ": " + done.getFailureReason())
                    .isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        }
        await("no container and no pod left").atMost(Duration.ofSeconds(15)).until(() ->
                Docker.managedContainers(identity.instanceId()).isEmpty() && k8s.pods().isEmpty());
    }

    @Test
    void aPodStuckInImagePullBackOffFailsTheAttemptWithThatReason() {
        Job done = client.awaitEnd(client.submit(JobSpec.newBuilder().setProvider("kubernetes")
                .setImage("unpullable/agent:1").setMaxAttempts(1).setShell("true").build()).getId());

        assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
        // from the pod watch, not the 8 s start deadline
        assertThat(done.getFailureReason()).startsWith("START_FAILED: ImagePullBackOff");
        assertThat(rows.destroyReasonsOfJobs(List.of(UUID.fromString(done.getId())))).containsExactly("start-failed");
        await("pod deleted").atMost(Duration.ofSeconds(10)).until(() -> k8s.pods().isEmpty());
    }

    @Test
    void anOrphanPodIsRemovedByTheGc() {
        String name = "hodei-worker-" + UUID.randomUUID();
        k8s.client().pods().inNamespace(KubernetesMock.NAMESPACE).resource(new PodBuilder().withNewMetadata()
                .withName(name).withLabels(Map.of("hodei.managed", "true", "hodei.instance", identity.instanceId(),
                        "hodei.worker-id", UUID.randomUUID().toString()))
                .endMetadata().withNewSpec().addNewContainer().withName("agent").withImage("unpullable/none:1")
                .endContainer().withRestartPolicy("Never").endSpec().build()).create();

        await("orphan pod deleted").atMost(Duration.ofSeconds(15)).until(
                () -> k8s.client().pods().inNamespace(KubernetesMock.NAMESPACE).withName(name).get() == null);
    }
}
