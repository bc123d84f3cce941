package dev.hodei.cli;

import hodei.v1.CreateTemplateRequest;
import hodei.v1.DeleteTemplateRequest;
import hodei.v1.GetJobRequest;
import hodei.v1.GetTemplateRequest;
import hodei.v1.Job;
import hodei.v1.JobServiceGrpc;
import hodei.v1.ListRunsRequest;
import hodei.v1.ListRunsResponse;
import hodei.v1.ListTemplatesRequest;
import hodei.v1.ListTemplatesResponse;
import hodei.v1.Parameter;
import hodei.v1.RetryRunRequest;
import hodei.v1.RunTemplateRequest;
import hodei.v1.SetTemplateStatusRequest;
import hodei.v1.Template;
import hodei.v1.TemplateServiceGrpc;
import hodei.v1.TemplateStats;
import hodei.v1.TemplateStatus;
import hodei.v1.Trigger;
import hodei.v1.UpdateTemplateRequest;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(footerHeading = "%nExamples:%n", footer = {"  # Create a template, then run it with a parameter", "  hodei template create -f examples/templates/report.yaml", "  hodei template run report -p REGION=eu -p DAYS=3"},
        name = "template", description = "Reusable jobs: templates with typed parameters, their runs.")
class TemplateCommands {

    /** Its commands: built by {@link HodeiCli#commandLine} only when a call names them. */
    static final List<Class<?>> COMMANDS = List.of(
            TemplateCommands.Create.class, TemplateCommands.Update.class, TemplateCommands.ListTemplates.class,
            TemplateCommands.Get.class, TemplateCommands.Runs.class, TemplateCommands.Run.class,
            TemplateCommands.Retry.class, TemplateCommands.Enable.class, TemplateCommands.Disable.class,
            TemplateCommands.Archive.class, TemplateCommands.Delete.class);

    static <T> T withTemplates(ServerAddress server, Function<TemplateServiceGrpc.TemplateServiceBlockingStub, T> call) {
        return server.call(channel -> call.apply(TemplateServiceGrpc.newBlockingStub(channel)));
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  # From a YAML file, in a namespace", "  hodei template create -f examples/templates/report.yaml -N team-data"},
        name = "create", description = "Create a template from a YAML file (examples/templates/*.yaml).")
    static class Create implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Option(names = {"-f", "--file"}, required = true) Path file;

        @Option(names = {"-N", "--namespace"}, description = "Namespace of the template, its runs and schedules "
                + "(default: the context's, else 'default')")
        String namespace = "";

        @Override
        public Integer call() {
            Template t = withTemplates(server, api -> api.createTemplate(CreateTemplateRequest.newBuilder()
                    .setDefinition(TemplateFile.read(file)).setNamespace(server.namespace(namespace)).build()));
            System.out.println("template " + t.getName() + " created (version " + t.getVersion() + ", id " + t.getId() + ")");
            return 0;
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  # A new version; runs already made keep theirs", "  hodei template update -f examples/templates/report.yaml"},
        name = "update", description = "Store a new version of a template from a YAML file; runs keep theirs.")
    static class Update implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Option(names = {"-f", "--file"}, required = true) Path file;
        @Parameters(paramLabel = "TEMPLATE", arity = "0..1", description = "Default: the name in the file") String name;

        @Override
        public Integer call() {
            var def = TemplateFile.read(file);
            Template t = withTemplates(server, api -> api.updateTemplate(UpdateTemplateRequest.newBuilder()
                    .setTemplate(name == null ? def.getName() : name).setDefinition(def).build()));
            System.out.println("template " + t.getName() + " is now at version " + t.getVersion());
            return 0;
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  # With success rate and median duration", "  hodei template list", "  # Archived ones too", "  hodei template list --all"},
        name = "list", description = "List templates with their run statistics.")
    static class ListTemplates implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Option(names = "--all", description = "Archived templates too") boolean all;
        @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE") Map<String, String> labels = new LinkedHashMap<>();
        @Option(names = "--limit", defaultValue = "50") int limit;
        @Option(names = "--page-token") String pageToken = "";
        @Mixin OutputFormat output;

        @Override
        public Integer call() {
            ListTemplatesRequest.Builder req = ListTemplatesRequest.newBuilder().putAllLabels(labels)
                    .setPageSize(limit).setPageToken(pageToken);
            if (all) {
                req.addStatuses(TemplateStatus.TEMPLATE_STATUS_ACTIVE).addStatuses(TemplateStatus.TEMPLATE_STATUS_DISABLED)
                        .addStatuses(TemplateStatus.TEMPLATE_STATUS_ARCHIVED);
            }
            ListTemplatesResponse r = withTemplates(server, api -> api.listTemplates(req.build()));
            if (output.printed(r)) return 0;
            System.out.printf("%-30s  %-8s  %3s  %5s  %7s  %-10s  %s%n", "NAME", "STATUS", "VER", "RUNS", "SUCCESS",
                    "LAST", "MEDIAN");
            for (Template t : r.getTemplatesList()) {
                TemplateStats s = t.getStats();
                System.out.printf("%-30s  %-8s  %3d  %5d  %7s  %-10s  %s%n", t.getName(), status(t.getStatus()),
                        t.getVersion(), s.getRuns(), s.getRuns() == 0 ? "-" : String.format("%.0f%%", s.getSuccessRate() * 100),
                        s.getRuns() == 0 ? "-" : JobOutput.state(s.getLastRunState()),
                        s.getRuns() == 0 ? "-" : String.format("%.2fs", s.getDurationMedianSeconds()));
            }
            if (!r.getNextPageToken().isEmpty()) System.err.println("next page: --page-token " + r.getNextPageToken());
            return 0;
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  # The latest version", "  hodei template get report", "  # An earlier one, as YAML", "  hodei template get report --version 2 -o yaml"},
        name = "get", description = "Show a template: parameters, job, statistics.")
    static class Get implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Parameters(paramLabel = "TEMPLATE") String name;
        @Option(names = "--version", defaultValue = "0", description = "Default: the latest") int version;
        @Mixin OutputFormat output;

        @Override
        public Integer call() {
            Template t = withTemplates(server, api -> api.getTemplate(GetTemplateRequest.newBuilder()
                    .setTemplate(name).setVersion(version).build()));
            if (output.printed(t)) return 0;
            var def = t.getDefinition();
            System.out.printf("name:        %s%n", t.getName());
            System.out.printf("id:          %s%n", t.getId());
            System.out.printf("status:      %s%n", status(t.getStatus()));
            System.out.printf("version:     %d of %d%n", t.getVersion(), t.getLatestVersion());
            if (!def.getDescription().isEmpty()) System.out.printf("description: %s%n", def.getDescription());
            if (!def.getLabelsMap().isEmpty()) System.out.printf("labels:      %s%n", def.getLabelsMap());
            System.out.printf("command:     %s%n", def.getJob().hasArgv()
                    ? String.join(" ", def.getJob().getArgv().getArgsList()) + "  (argv)" : def.getJob().getShell().strip());
            if (!def.getParametersList().isEmpty()) {
                System.out.println("parameters:");
                for (Parameter p : def.getParametersList()) {
                    StringBuilder line = new StringBuilder("  " + p.getName() + " (" + p.getType()
                            + (p.getRequired() ? ", required" : "") + ")");
                    if (p.hasDefaultValue()) line.append(" default ").append(p.getDefaultValue());
                    if (p.getChoicesCount() > 0) line.append(" one of ").append(String.join("|", p.getChoicesList()));
                    if (p.hasMin()) line.append(" min ").append(plain(p.getMin()));
                    if (p.hasMax()) line.append(" max ").append(plain(p.getMax()));
                    if (!p.getPattern().isEmpty()) line.append(" pattern ").append(p.getPattern());
                    if (!p.getDescription().isEmpty()) line.append(" — ").append(p.getDescription());
                    System.out.println(line);
                }
            }
            TemplateStats s = t.getStats();
            System.out.printf("runs:        %d (%d succeeded, %d failed, %d cancelled, %d active)%n", s.getRuns(),
                    s.getSucceeded(), s.getFailed(), s.getCancelled(), s.getActive());
            if (s.getRuns() > 0) {
                System.out.printf("success:     %.1f%%%n", s.getSuccessRate() * 100);
                System.out.printf("last run:    %d %s%n", s.getLastRunNumber(), JobOutput.state(s.getLastRunState()));
                System.out.printf("duration:    median %.2fs, p95 %.2fs%n", s.getDurationMedianSeconds(), s.getDurationP95Seconds());
            }
            return 0;
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  # The last 20 runs: number, version, trigger, parameters", "  hodei template runs report"},
        name = "runs", description = "List a template's runs, newest first.")
    static class Runs implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Parameters(paramLabel = "TEMPLATE") String name;
        @Option(names = "--limit", defaultValue = "20") int limit;
        @Option(names = "--page-token") String pageToken = "";
        @Mixin OutputFormat output;

        @Override
        public Integer call() {
            ListRunsResponse r = withTemplates(server, api -> api.listRuns(ListRunsRequest.newBuilder().setTemplate(name)
                    .setPageSize(limit).setPageToken(pageToken).build()));
            if (output.printed(r)) return 0;
            System.out.printf("%5s  %3s  %-10s  %4s  %8s  %-9s  %-36s  %s%n", "RUN", "VER", "STATE", "EXIT", "TOOK",
                    "TRIGGER", "JOB", "PARAMETERS");
            for (Job j : r.getRunsList()) {
                System.out.printf("%5d  %3d  %-10s  %4s  %8s  %-9s  %-36s  %s%n", j.getRun().getRunNumber(),
                        j.getRun().getTemplateVersion(), JobOutput.state(j.getState()),
                        j.hasExitCode() ? j.getExitCode() : "-", JobOutput.duration(j),
                        j.getRun().getTrigger().name().substring("TRIGGER_".length()).toLowerCase(), j.getId(),
                        new java.util.TreeMap<>(j.getRun().getParametersMap()));
            }
            if (!r.getNextPageToken().isEmpty()) System.err.println("next page: --page-token " + r.getNextPageToken());
            return 0;
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  # Run and stream the output", "  hodei template run report -p REGION=eu -p DAYS=3", "  # A secret parameter from an environment variable, without waiting", "  hodei template run report -p REGION=us --param-from-env TOKEN=API_TOKEN -d"},
        name = "run", description = {
            "Run a template: stream its output live and exit with the run's exit code."})
    static class Run implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Parameters(paramLabel = "TEMPLATE") String name;
        @Mixin ParameterOptions params;
        @Option(names = {"-d", "--detach"}, description = "Print the job id and return at once") boolean detach;
        @Option(names = {"-q", "--quiet"}) boolean quiet;

        @Override
        public Integer call() {
            Map<String, String> values = params.values();
            return server.call(channel -> follow(channel, TemplateServiceGrpc.newBlockingStub(channel).runTemplate(
                    RunTemplateRequest.newBuilder().setTemplate(name).putAllParameters(values)
                            .setTrigger(Trigger.TRIGGER_MANUAL).setTriggeredBy(System.getProperty("user.name", "cli"))
                            .setIdempotencyKey("cli-" + UUID.randomUUID()).build()), detach, quiet));
        }
    }

    /** Streams a run's output like {@code hodei run} and returns its exit code. */
    static int follow(ManagedChannel channel, Job job, boolean detach, boolean quiet) {
        if (detach) {
            System.out.println(job.getId());
            return 0;
        }
        if (!quiet) System.err.println("hodei: " + job.getRun().getTemplateName() + " run " + job.getRun().getRunNumber()
                + " (v" + job.getRun().getTemplateVersion() + "), job " + job.getId());
        JobServiceGrpc.JobServiceBlockingStub jobs = JobServiceGrpc.newBlockingStub(channel);
        JobOutput.stream(jobs, job.getId(), 1, true, System.out, System.err);
        Job done = jobs.getJob(GetJobRequest.newBuilder().setId(job.getId()).build());
        if (!quiet || done.getState() != hodei.v1.JobState.JOB_STATE_SUCCEEDED) {
            System.err.println("hodei: run " + job.getRun().getRunNumber() + " " + JobOutput.state(done.getState())
                    + (done.getFailureReason().isEmpty() ? "" : " (" + done.getFailureReason() + ")"));
        }
        return JobOutput.exitCode(done);
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  # Run number 42 again, with its parameters", "  hodei template retry report 42"},
        name = "retry", description = "Run a template again with the parameters of an earlier run.")
    static class Retry implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Parameters(index = "0", paramLabel = "TEMPLATE") String name;
        @Parameters(index = "1", paramLabel = "RUN") long run;
        @Option(names = {"-d", "--detach"}) boolean detach;

        @Override
        public Integer call() {
            return server.call(channel -> follow(channel, TemplateServiceGrpc.newBlockingStub(channel).retryRun(
                    RetryRunRequest.newBuilder().setTemplate(name).setRunNumber(run)
                            .setTriggeredBy(System.getProperty("user.name", "cli")).build()), detach, false));
        }
    }

    abstract static class StatusChange implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Parameters(paramLabel = "TEMPLATE") String name;

        abstract TemplateStatus status();

        @Override
        public Integer call() {
            Template t = withTemplates(server, api -> api.setTemplateStatus(SetTemplateStatusRequest.newBuilder()
                    .setTemplate(name).setStatus(status()).build()));
            System.out.println("template " + t.getName() + " " + TemplateCommands.status(t.getStatus()));
            return 0;
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  hodei template enable report"},
        name = "enable", description = "Allow runs (and schedule fires) again.")
    static class Enable extends StatusChange {
        TemplateStatus status() {
            return TemplateStatus.TEMPLATE_STATUS_ACTIVE;
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  # Refuse runs while the target is down", "  hodei template disable report"},
        name = "disable", description = "Refuse runs; its schedules do not fire.")
    static class Disable extends StatusChange {
        TemplateStatus status() {
            return TemplateStatus.TEMPLATE_STATUS_DISABLED;
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  hodei template archive report"},
        name = "archive", description = "Disable and hide from 'template list' (--all shows it).")
    static class Archive extends StatusChange {
        TemplateStatus status() {
            return TemplateStatus.TEMPLATE_STATUS_ARCHIVED;
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  # Cancel its active runs and delete it", "  hodei template delete report --force"},
        name = "delete", description = "Delete a template and its schedules (its runs' history stays).")
    static class Delete implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Parameters(paramLabel = "TEMPLATE") String name;
        @Option(names = "--force", description = "Cancel its active runs instead of refusing") boolean force;

        @Override
        public Integer call() {
            var r = withTemplates(server, api -> api.deleteTemplate(DeleteTemplateRequest.newBuilder()
                    .setTemplate(name).setForce(force).build()));
            System.out.println("template " + name + " deleted" + (r.getCancelledRuns() > 0
                    ? " (" + r.getCancelledRuns() + " active run(s) cancelled)" : ""));
            return 0;
        }
    }

    private static String plain(double d) {
        return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    static String status(TemplateStatus s) {
        return s.name().substring("TEMPLATE_STATUS_".length()).toLowerCase();
    }
}
