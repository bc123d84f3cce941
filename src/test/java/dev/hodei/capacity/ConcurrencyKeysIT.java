package dev.hodei.capacity;

import static dev.hodei.testing.JobAssert.assertThatJob;
import static dev.hodei.testing.Timelines.mostAtOnce;
import static dev.hodei.testing.Timelines.oneAfterAnother;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hodei.testing.ControlPlaneIT;
import hodei.v1.Job;
import hodei.v1.JobEvent;
import hodei.v1.JobSpec;
import hodei.v1.JobState;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Jobs naming a concurrency key run at most its limit at a time, in order; cancel-in-progress supersedes. */
class ConcurrencyKeysIT extends ControlPlaneIT {

    @Test
    void aKeyWithLimitOneRunsItsJobsOneAtATimeInOrder() {
        String key = "deploy-prod-" + UUID.randomUUID();
        List<Job> submitted = new ArrayList<>();
        for (int i = 0; i < 3; i++) submitted.add(client.submit(keyed(key, 0, "sleep 0.3; echo " + i).build()));

        List<Job> done = submitted.stream().map(j -> client.awaitEnd(j.getId())).toList();

        done.forEach(j -> assertThatJob(j).hasState(JobState.JOB_STATE_SUCCEEDED));
        assertThat(mostAtOnce(done)).isEqualTo(1);
        assertThat(oneAfterAnother(done)).isTrue();
    }

    @Test
    void aKeyWithLimitTwoRunsAtMostTwo() {
        String key = "team:data-" + UUID.randomUUID();
        List<Job> submitted = new ArrayList<>();
        for (int i = 0; i < 5; i++) submitted.add(client.submit(keyed(key, 2, "sleep 0.3").build()));

        List<Job> done = submitted.stream().map(j -> client.awaitEnd(j.getId())).toList();

        done.forEach(j -> assertThatJob(j).hasState(JobState.JOB_STATE_SUCCEEDED));
        assertThat(mostAtOnce(done)).isBetween(1, 2);
    }

    @Test
    void aJobWaitingForItsKeySaysSoAndCancelInProgressSupersedesTheRunningOne() {
        String key = "deploy-" + UUID.randomUUID();
        Job first = client.submit(keyed(key, 1, "sleep 60").build());
        await("the first job running").atMost(Duration.ofSeconds(20))
                .until(() -> client.get(first.getId()).getState() == JobState.JOB_STATE_RUNNING);
        Job second = client.submit(keyed(key, 1, "true").build());
        assertThat(client.get(second.getId()).getWaitingReason())
                .isEqualTo("concurrency key " + key + " is full: 1 of 1 admitted");

        Job third = client.submit(keyed(key, 1, "echo latest").setCancelInProgress(true).build());

        assertThatJob(client.awaitEnd(first.getId())).hasState(JobState.JOB_STATE_CANCELLED);
        assertThatJob(client.awaitEnd(second.getId())).hasState(JobState.JOB_STATE_CANCELLED);
        assertThatJob(client.awaitEnd(third.getId())).hasState(JobState.JOB_STATE_SUCCEEDED);
        assertThat(client.events(second.getId())).extracting(JobEvent::getReason)
                .contains("cancelled: superseded by job " + third.getId() + " (cancel in progress)");
    }

    @Test
    void aLimitOrCancelInProgressWithoutAKeyIsRefused() {
        assertThatThrownBy(() -> client.submit(JobSpec.newBuilder().setShell("true").setConcurrencyLimit(2).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription())
                            .contains("spec.concurrency_key: required with concurrency_limit or cancel_in_progress");
                });
        assertThatThrownBy(() -> client.submit(keyed("k".repeat(201), 1, "true").build()))
                .hasMessageContaining("spec.concurrency_key: longer than 200 characters");
    }

    private static JobSpec.Builder keyed(String key, int limit, String shell) {
        return JobSpec.newBuilder().setShell(shell).setConcurrencyKey(key).setConcurrencyLimit(limit).setMaxAttempts(1);
    }
}
