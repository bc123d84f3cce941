package dev.hodei.providers.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hodei.testing.ControlPlaneIT;
import hodei.v1.ArgvCommand;
import hodei.v1.Job;
import hodei.v1.JobSpec;
import hodei.v1.JobState;
import hodei.v1.LogChunk;
import hodei.v1.LogStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Local workers on the shared control plane: what a job's processes are given. */
class ProcessProviderIT extends ControlPlaneIT {

    /** The variables a job may have that the server also has (same name, its own value or the server's PATH/LANG). */
    static final Set<String> BASE = Set.of("PATH", "HOME", "LANG", "TERM", "USER", "PWD");

    @Test
    void aJobSeesItsOwnEnvironmentAndNothingOfTheServersOrTheAgents() {
        Job done = client.awaitEnd(client.submit(JobSpec.newBuilder().setProvider("process")
                .setArgv(ArgvCommand.newBuilder().addArgs("env")).putEnv("COLOR", "blue").build()).getId());
        assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);

        Map<String, String> env = Arrays.stream(stdout(done.getId()).split("\n")).map(l -> l.split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> kv.length > 1 ? kv[1] : ""));
        assertThat(env).containsEntry("COLOR", "blue").containsEntry("HODEI_JOB_ID", done.getId())
                .containsEntry("HODEI_WORKER_ID", done.getWorkerId());
        assertThat(env.keySet()).as("HODEI_* beyond the ids (the token, the server address, ...)")
                .filteredOn(k -> k.startsWith("HODEI_")).containsExactlyInAnyOrder("HODEI_JOB_ID", "HODEI_WORKER_ID");
        assertThat(env.keySet()).as("variables of the server (and so of the agent it started)")
                .filteredOn(k -> !BASE.contains(k)).doesNotContainAnyElementsOf(System.getenv().keySet());
        assertThat(env.get("HOME")).as("HOME is the worker's workspace, not the server's home")
                .endsWith("/workspaces/" + done.getWorkerId()).isNotEqualTo(System.getProperty("user.home"));
    }

    private String stdout(String jobId) {
        return client.logs(jobId).stream().filter(c -> c.getStream() == LogStream.LOG_STREAM_STDOUT)
                .map(LogChunk::getData).map(b -> b.toString(StandardCharsets.UTF_8)).collect(Collectors.joining());
    }
}
