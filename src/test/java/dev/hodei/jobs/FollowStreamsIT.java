package dev.hodei.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hodei.testing.ControlPlaneIT;
import hodei.v1.CancelJobRequest;
import hodei.v1.Job;
import hodei.v1.JobSpec;
import hodei.v1.WatchJobRequest;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** Streams following a job each hold a thread on the server: a caller may have so many open, no more. */
@TestPropertySource(properties = "hodei.jobs.max-follow-streams-per-caller=2")
class FollowStreamsIT extends ControlPlaneIT {

    private final List<Context.CancellableContext> open = new ArrayList<>();

    /** Opens a follow of the job and waits for its first event (the server has taken it); closed with {@link #closeAll}. */
    private Context.CancellableContext follow(WatchJobRequest watch) {
        Context.CancellableContext call = Context.current().withCancellation();
        open.add(call);
        boolean[] first = {false};
        call.run(() -> first[0] = client.jobs().watchJob(watch).hasNext());
        assertThat(first[0]).as("the follow open, its history sent").isTrue();
        return call;
    }

    private void closeAll() {
        open.forEach(c -> c.cancel(null));
        open.clear();
    }

    @Test
    void aCallersThirdFollowIsRefusedUntilOneOfItsTwoCloses() {
        // running for as long as the test needs: its follows stay open
        Job job = client.submit(JobSpec.newBuilder().setShell("sleep 120").build());
        WatchJobRequest watch = WatchJobRequest.newBuilder().setJobId(job.getId()).build();
        try {
            Context.CancellableContext first = follow(watch);
            follow(watch);

            assertThatThrownBy(() -> follow(watch)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(e.getStatus().getDescription()).isEqualTo("streams following jobs: at most 2 open "
                        + "for one caller (hodei.jobs.max-follow-streams-per-caller); close one first");
            });

            first.cancel(null);
            // the server ends the cancelled follow at its next look (within its one-second poll)
            await("the first follow's place given back").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> follow(watch) != null);
        } finally {
            closeAll();
            client.jobs().cancelJob(CancelJobRequest.newBuilder().setId(job.getId()).build());
            await("the follows' places given back").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> client.awaitEnd(job.getId()) != null);
        }
    }
}
