package dev.hodei.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hodei.testing.CliProcess;
import dev.hodei.testing.ControlPlaneIT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The `hodei template` and `hodei schedule` commands against a real control plane. */
class TemplateCliIT extends ControlPlaneIT {

    @org.springframework.beans.factory.annotation.Autowired dev.hodei.server.HodeiProperties props;

    private CliProcess.Result hodei(String... args) throws Exception {
        return new CliProcess(grpc.port(), props.home()).run(args);
    }

    @Test
    void aTemplateFromAFileRunsStreamsAndSchedules() throws Exception {
        String name = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        Path file = Files.createTempFile("template", ".yaml");
        Files.writeString(file, Files.readString(Path.of("examples/templates/report.yaml"))
                .replace("name: report", "name: " + name));
        try {
            assertThat(hodei("template", "create", "-f", file.toString()).out()).contains("template " + name + " created (version 1");

            CliProcess.Result run = hodei("template", "run", name, "-p", "REGION=us", "-p", "DAYS=2", "-p", "TOKEN=cli-secret-value");
            assertThat(run.exit()).isZero();
            assertThat(run.out()).isEqualTo("report for us, last 2 day(s), owner data-team, dry run false\n"
                    + "authenticating with ***\nrows: 2000\n");
            assertThat(run.err()).contains(name + " run 1 (v1)").contains("run 1 SUCCEEDED");

            CliProcess.Result refused = hodei("template", "run", name, "-p", "REGION=mars");
            assertThat(refused.exit()).isEqualTo(65);
            assertThat(refused.err()).contains("INVALID_ARGUMENT: parameters.REGION: 'mars' is not one of eu, us, ap");

            Files.writeString(file, Files.readString(file).replace("echo \"rows: $(( DAYS * 1000 ))\"", "echo \"rows: $(( DAYS * 10 ))\"; exit 4"));
            assertThat(hodei("template", "update", "-f", file.toString()).out()).contains("now at version 2");
            CliProcess.Result failing = hodei("template", "run", name, "-p", "REGION=eu", "-q");
            assertThat(failing.exit()).as("the run's exit code").isEqualTo(4);

            assertThat(hodei("template", "runs", name).out()).containsPattern("\\s2\\s+2\\s+FAILED\\s+4 .* manual")
                    .containsPattern("\\s1\\s+1\\s+SUCCEEDED\\s+0 .* manual .*TOKEN=\\*\\*\\*");
            assertThat(hodei("template", "get", name).out()).contains("version:     2 of 2")
                    .contains("runs:        2 (1 succeeded, 1 failed, 0 cancelled, 0 active)").contains("success:     50.0%");
            assertThat(hodei("template", "list").out()).containsPattern(name + "\\s+active\\s+2\\s+2\\s+50%\\s+FAILED");

            CliProcess.Result created = hodei("schedule", "create", name + "-nightly", "-t", name, "--cron", "0 30 2 * * ?",
                    "--tz", "Europe/Madrid", "-p", "REGION=eu", "--pause-after", "3");
            assertThat(created.out()).contains("cron:       0 30 2 * * ? (Europe/Madrid)").contains("state:      active");
            assertThat(hodei("schedule", "next", name + "-nightly", "-n", "2").out().lines().toList())
                    .hasSize(2).allMatch(l -> l.contains("T02:30") && l.endsWith("[Europe/Madrid]"));
            assertThat(hodei("schedule", "pause", name + "-nightly").out()).contains("state:      paused");
            assertThat(hodei("schedule", "list", "-t", name).out()).containsPattern(name + "-nightly\\s+" + name + ".*paused");
            assertThat(hodei("schedule", "resume", name + "-nightly").out()).contains("state:      active");
            assertThat(hodei("template", "disable", name).out()).contains("template " + name + " disabled");
            assertThat(hodei("template", "run", name, "-p", "REGION=eu").exit()).isEqualTo(65);
            assertThat(hodei("template", "delete", name).out()).contains("template " + name + " deleted");
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
