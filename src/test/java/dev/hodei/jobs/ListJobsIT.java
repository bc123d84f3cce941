package dev.hodei.jobs;

import static dev.hodei.testing.JobSpecs.shell;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hodei.testing.ControlPlaneIT;
import hodei.v1.Job;
import hodei.v1.JobState;
import hodei.v1.ListJobsRequest;
import hodei.v1.ListJobsResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ListJobsIT extends ControlPlaneIT {

    @Test
    void filtersByLabelsAndStateAndPagesWithoutGapsOrRepeats() {
        String team = "t-" + UUID.randomUUID();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(client.submit(shell(i == 0 ? "exit 1" : "true").label("team", team).label("n", "" + i)).getId());
        }
        ids.forEach(client::awaitEnd);

        List<String> paged = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            ListJobsResponse page = client.jobs().listJobs(ListJobsRequest.newBuilder()
                    .putLabels("team", team).setPageSize(2).setPageToken(token).build());
            page.getJobsList().forEach(j -> paged.add(j.getId()));
            token = page.getNextPageToken();
            pages++;
        } while (!token.isEmpty());

        assertThat(pages).isEqualTo(3);
        List<String> newestFirst = new ArrayList<>(ids);
        java.util.Collections.reverse(newestFirst);
        assertThat(paged).containsExactlyElementsOf(newestFirst);
        assertThat(client.jobs().listJobs(ListJobsRequest.newBuilder().putLabels("team", team)
                .addStates(JobState.JOB_STATE_FAILED).build()).getJobsList())
                .extracting(Job::getId).containsExactly(ids.get(0));
        assertThat(client.jobs().listJobs(ListJobsRequest.newBuilder().putLabels("team", team).putLabels("n", "3")
                .build()).getJobsList()).extracting(Job::getId).containsExactly(ids.get(3));
    }
}
