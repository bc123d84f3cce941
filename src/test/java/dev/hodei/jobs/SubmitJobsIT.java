package dev.hodei.jobs;

import static dev.hodei.testing.JobAssert.assertThatJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hodei.server.HodeiProperties;
import dev.hodei.testing.CliProcess;
import dev.hodei.testing.ControlPlaneIT;
import dev.hodei.testing.JobSpecs;
import hodei.v1.Job;
import hodei.v1.JobSpec;
import hodei.v1.JobState;
import hodei.v1.ListJobsRequest;
import hodei.v1.LogChunk;
import hodei.v1.SubmitJobRequest;
import hodei.v1.SubmitJobResponse;
import hodei.v1.SubmitJobsRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Batch submission: SubmitJobs creates all of its jobs or none, and `hodei job submit --array N` builds on it. */
class SubmitJobsIT extends ControlPlaneIT {

    @Autowired HodeiProperties props;

    @Test
    void aBatchCreatesEveryJobInOrderAndEachRuns() {
        String batch = UUID.randomUUID().toString();
        SubmitJobsRequest.Builder request = SubmitJobsRequest.newBuilder();
        for (int i = 0; i < 3; i++) {
            request.addJobs(SubmitJobRequest.newBuilder().setSpec(JobSpecs.shell("echo " + i).label("batch", batch).build()));
        }

        List<SubmitJobResponse> created = client.jobs().submitJobs(request.build()).getJobsList();

        assertThat(created).hasSize(3).allMatch(SubmitJobResponse::getCreated);
        for (int i = 0; i < 3; i++) {
            Job done = client.awaitEnd(created.get(i).getJob().getId());
            assertThatJob(done).hasState(JobState.JOB_STATE_SUCCEEDED);
            assertThat(stdout(done.getId())).isEqualTo(i + "\n");
        }
    }

    @Test
    void oneInvalidRequestRefusesTheWholeBatchNamingIt() {
        String batch = UUID.randomUUID().toString();
        SubmitJobsRequest request = SubmitJobsRequest.newBuilder()
                .addJobs(SubmitJobRequest.newBuilder().setSpec(JobSpecs.shell("true").label("batch", batch).build()))
                .addJobs(SubmitJobRequest.newBuilder().setSpec(JobSpec.newBuilder().putLabels("batch", batch)))
                .build();

        assertThatThrownBy(() -> client.jobs().submitJobs(request)).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).startsWith("jobs[1]: ");
                });
        assertThat(client.jobs().listJobs(ListJobsRequest.newBuilder().putLabels("batch", batch).build()).getJobsList())
                .as("the valid first request rolled back too").isEmpty();
    }

    @Test
    void idempotencyKeysHoldInABatchAsInSubmitJobAndATakenOneRefusesTheWholeBatch() {
        String batch = UUID.randomUUID().toString();
        String taken = "taken-" + batch;
        String fresh = "fresh-" + batch;
        JobSpec a = JobSpecs.shell("echo a").label("batch", batch).build();
        JobSpec b = JobSpecs.shell("echo b").label("batch", batch).build();
        String first = client.jobs().submitJob(SubmitJobRequest.newBuilder().setSpec(a).setIdempotencyKey(taken).build())
                .getJob().getId();

        List<SubmitJobResponse> answered = client.jobs().submitJobs(SubmitJobsRequest.newBuilder()
                .addJobs(SubmitJobRequest.newBuilder().setSpec(a).setIdempotencyKey(taken))
                .addJobs(SubmitJobRequest.newBuilder().setSpec(b).setIdempotencyKey(fresh))
                .addJobs(SubmitJobRequest.newBuilder().setSpec(b).setIdempotencyKey(fresh))
                .addJobs(SubmitJobRequest.newBuilder().setSpec(b))
                .build()).getJobsList();

        assertThat(answered).extracting(SubmitJobResponse::getCreated).containsExactly(false, true, false, true);
        assertThat(answered.get(0).getJob().getId()).as("the job that has the key").isEqualTo(first);
        assertThat(answered.get(2).getJob().getId()).as("the same key earlier in the batch")
                .isEqualTo(answered.get(1).getJob().getId());
        assertThat(answered.get(3).getJob().getId()).isNotIn(first, answered.get(1).getJob().getId());
        assertThat(answered.get(1).getJob().getSpec().getShell()).isEqualTo("echo b");

        SubmitJobsRequest reused = SubmitJobsRequest.newBuilder()
                .addJobs(SubmitJobRequest.newBuilder().setSpec(JobSpecs.shell("echo c").label("batch", batch).label("try", "2").build()))
                .addJobs(SubmitJobRequest.newBuilder().setSpec(b).setIdempotencyKey(taken))
                .build();
        assertThatThrownBy(() -> client.jobs().submitJobs(reused)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
            assertThat(e.getStatus().getDescription()).startsWith("jobs[1]: idempotency_key: already used")
                    .contains(first);
        });
        assertThat(client.jobs().listJobs(ListJobsRequest.newBuilder().putLabels("batch", batch).putLabels("try", "2").build()).getJobsList())
                .as("the batch's first job rolled back with it").isEmpty();
        for (SubmitJobResponse r : answered) assertThatJob(client.awaitEnd(r.getJob().getId())).hasState(JobState.JOB_STATE_SUCCEEDED);
    }

    @Test
    void aJobOfABatchIsStoredAsTheSameRequestWouldBeThroughSubmitJob() {
        String batch = UUID.randomUUID().toString();
        JobSpec spec = JobSpecs.shell("true").named("same-" + batch).label("batch", batch).attempts(2)
                .runTimeout(Duration.ofMinutes(3)).queueTimeout(Duration.ofMinutes(10)).build().toBuilder()
                .setPriority(7).setCpu(0.25).setMemoryMb(64).setConcurrencyKey("same-" + batch).build();
        String alone = client.jobs().submitJob(SubmitJobRequest.newBuilder().setSpec(spec).build()).getJob().getId();
        String inBatch = client.jobs().submitJobs(SubmitJobsRequest.newBuilder()
                .addJobs(SubmitJobRequest.newBuilder().setSpec(JobSpecs.shell("true").label("batch", batch).build()))
                .addJobs(SubmitJobRequest.newBuilder().setSpec(spec))
                .build()).getJobs(1).getJob().getId();

        String columns = "SELECT namespace, submitted_by, name, encode(spec, 'hex') AS spec, provider, priority, "
                + "labels::text AS labels, max_attempts, run_timeout_s, "
                + "EXTRACT(EPOCH FROM queue_deadline - created_at) AS queue_for, cpu_request, memory_mb_request, "
                + "concurrency_key, concurrency_limit, image, idempotency_key, template_id, run_number, parameters::text AS parameters, "
                + "secret_env IS NULL AS no_secrets FROM jobs WHERE id = CAST(? AS uuid)";
        Map<String, Object> stored = jdbc.queryForMap(columns, inBatch);
        assertThat(stored).isEqualTo(jdbc.queryForMap(columns, alone));
        assertThat(stored).containsEntry("priority", 7).containsEntry("max_attempts", 2).containsEntry("run_timeout_s", 180L)
                .containsEntry("cpu_request", 0.25).containsEntry("memory_mb_request", 64L);
        String event = "SELECT from_state, to_state, attempt, reason, principal FROM job_events "
                + "WHERE job_id = CAST(? AS uuid) AND from_state IS NULL ORDER BY id";
        assertThat(jdbc.queryForList(event, inBatch)).hasSize(1).isEqualTo(jdbc.queryForList(event, alone));
        for (String id : List.of(alone, inBatch)) assertThatJob(client.awaitEnd(id)).hasState(JobState.JOB_STATE_SUCCEEDED);
    }

    @Test
    void aBatchHasOneToMaxBatchSizeRequests() {
        int max = props.jobs().maxBatchSize();
        SubmitJobsRequest.Builder tooMany = SubmitJobsRequest.newBuilder();
        for (int i = 0; i <= max; i++) tooMany.addJobs(SubmitJobRequest.newBuilder().setSpec(JobSpecs.shell("true").build()));

        assertThatThrownBy(() -> client.jobs().submitJobs(tooMany.build()))
                .hasMessage("INVALID_ARGUMENT: jobs: 1 to " + max + " requests, not " + (max + 1));
        assertThatThrownBy(() -> client.jobs().submitJobs(SubmitJobsRequest.getDefaultInstance()))
                .hasMessage("INVALID_ARGUMENT: jobs: 1 to " + max + " requests, not 0");
    }

    @Test
    void anArrayFromTheCliGivesEachJobItsIndex() throws Exception {
        CliProcess.Result r = new CliProcess(grpc.port(), props.home())
                .run("job", "submit", "--array", "3", "--", "echo \"$JOB_INDEX of $JOB_ARRAY_SIZE\"");

        assertThat(r.exit()).as(r.err()).isZero();
        List<String> ids = r.out().lines().toList();
        assertThat(ids).hasSize(3);
        for (int i = 0; i < 3; i++) {
            Job done = client.awaitEnd(ids.get(i));
            assertThatJob(done).hasState(JobState.JOB_STATE_SUCCEEDED);
            assertThat(stdout(done.getId())).isEqualTo(i + " of 3\n");
            assertThat(done.getSpec().getLabelsMap()).containsEntry("array-index", Integer.toString(i))
                    .containsKey("array-id");
        }
    }

    private String stdout(String jobId) {
        return client.logs(jobId).stream().map(LogChunk::getData).map(d -> d.toString(StandardCharsets.UTF_8))
                .collect(Collectors.joining());
    }
}
