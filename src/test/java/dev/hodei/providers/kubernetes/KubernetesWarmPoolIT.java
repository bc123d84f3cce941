package dev.hodei.providers.kubernetes;

import static dev.hodei.testing.JobAssert.assertThatJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hodei.lifecycle.WarmPoolUpkeep;
import dev.hodei.testing.ControlPlaneIT;
import dev.hodei.testing.JobSpecs;
import dev.hodei.testing.KubernetesMock;
import dev.hodei.workers.DestroyReason;
import hodei.v1.Job;
import hodei.v1.JobState;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/** A warm pool of pods (fabric8's API mock, the test playing kubelet): a pod started before its job runs it, then goes. */
@TestPropertySource(properties = {"hodei.pools.pods.provider=kubernetes", "hodei.pools.pods.min-idle=1"})
class KubernetesWarmPoolIT extends ControlPlaneIT {

    static final Duration WAIT = Duration.ofSeconds(30);
    final KubernetesMock k8s = KubernetesMock.get();

    @Test
    void aWarmPodWaitsWithoutAJobOrADeadlineTakesOneAndIsDeletedAfterIt() {
        await("a ready warm pod").atMost(WAIT).until(() -> !rows.readyWarmWorkers("pods").isEmpty());
        UUID warm = rows.readyWarmWorkers("pods").get(0);
        Pod pod = k8s.client().pods().inNamespace(KubernetesMock.NAMESPACE).withName("hodei-worker-" + warm).get();
        assertThat(pod.getSpec().getActiveDeadlineSeconds()).as("a warm pod waits as long as its pool keeps it").isNull();
        assertThat(pod.getMetadata().getLabels()).containsEntry("hodei.worker-id", warm.toString())
                .doesNotContainKey("hodei.job-id");
        assertThat(pod.getSpec().getContainers().get(0).getEnv()).extracting(EnvVar::getName)
                .doesNotContain("HODEI_JOB_ID");

        Job done = client.awaitEnd(client.submit(JobSpecs.shell("echo \"in pod $HODEI_JOB_ID\"").on("kubernetes")).getId());

        assertThatJob(done).hasState(JobState.JOB_STATE_SUCCEEDED);
        UUID worker = UUID.fromString(done.getWorkerId());
        assertThat(rows.worker(worker).pool()).isEqualTo("pods");
        assertThat(client.logs(done.getId())).extracting(c -> c.getData().toStringUtf8())
                .containsExactly("in pod " + done.getId() + "\n");
        await("its pod deleted").atMost(WAIT).until(() ->
                DestroyReason.IMMEDIATE.label().equals(rows.worker(worker).destroyReason())
                        && k8s.client().pods().inNamespace(KubernetesMock.NAMESPACE).withName("hodei-worker-" + worker)
                        .get() == null);
        await("the pool refilled").atMost(WAIT).until(() -> !rows.readyWarmWorkers("pods").isEmpty());
    }

    /** Drains the pool as a stop does, then checks no pod or secret of it is left. */
    @AfterAll
    static void noPodLeft(@Autowired WarmPoolUpkeep upkeep) {
        upkeep.drain();
        KubernetesMock.get().assertNoneLeft();
    }
}
