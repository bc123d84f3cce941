package dev.hodei.cli;

import hodei.v1.CancelJobRequest;
import hodei.v1.GetJobRequest;
import hodei.v1.Job;
import hodei.v1.JobServiceGrpc;
import hodei.v1.JobState;
import hodei.v1.ListJobsRequest;
import hodei.v1.ListJobsResponse;
import hodei.v1.SubmitJobRequest;
import hodei.v1.SubmitJobResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(footerHeading = "%nExamples:%n", footer = {"  # Submit without waiting, then follow its output", "  hodei job logs -f $(hodei job submit -- 'sleep 5; echo done')"},
        name = "job", description = "Submit, inspect and cancel jobs.")
class JobCommands {

    /** Its commands: built by {@link HodeiCli#commandLine} only when a call names them. */
    static final List<Class<?>> COMMANDS = List.of(
            JobCommands.Submit.class, JobCommands.Get.class, JobCommands.Describe.class, JobCommands.ListJobs.class,
            JobCommands.Logs.class, JobCommands.Cancel.class);

    static <T> T withJobs(ServerAddress server, Function<JobServiceGrpc.JobServiceBlockingStub, T> call) {
        return server.call(channel -> call.apply(JobServiceGrpc.newBlockingStub(channel)));
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  # Submit and print the job's id", "  hodei job submit -n nightly -- ./backup.sh", "  # Ten indexed copies in one call (JOB_INDEX is 0 to 9)", "  hodei job submit --array 10 -- 'echo part $JOB_INDEX'", "  # At most one deploy at a time", "  hodei job submit --concurrency-key deploy-prod -- ./deploy.sh"},
        name = "submit", description = "Submit a job and print its id.")
    static class Submit implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Mixin JobSpecOptions spec;

        @Option(names = "--array", paramLabel = "N", description = "Submit N copies in one call (all or none), "
                + "each with JOB_INDEX=0..N-1 and JOB_ARRAY_SIZE=N in its environment and labels array-id, "
                + "array-index; one id per line")
        Integer array;

        @Override
        public Integer call() {
            if (array != null) return submitArray();
            SubmitJobResponse r = withJobs(server, jobs -> jobs.submitJob(SubmitJobRequest.newBuilder()
                    .setSpec(spec.toSpec()).setIdempotencyKey(spec.idempotencyKey)
                    .setNamespace(server.namespace(spec.namespace)).build()));
            System.out.println(r.getJob().getId());
            if (!r.getCreated()) System.err.println("hodei: idempotency key matched an existing job");
            return 0;
        }

        private int submitArray() {
            String arrayId = java.util.UUID.randomUUID().toString();
            hodei.v1.SubmitJobsRequest.Builder batch = hodei.v1.SubmitJobsRequest.newBuilder();
            for (int i = 0; i < array; i++) {
                batch.addJobs(SubmitJobRequest.newBuilder()
                        .setSpec(spec.toSpec().toBuilder().putEnv("JOB_INDEX", Integer.toString(i))
                                .putEnv("JOB_ARRAY_SIZE", Integer.toString(array))
                                .putLabels("array-id", arrayId).putLabels("array-index", Integer.toString(i)))
                        .setIdempotencyKey(spec.idempotencyKey.isEmpty() ? "" : spec.idempotencyKey + "-" + i)
                        .setNamespace(server.namespace(spec.namespace)));
            }
            hodei.v1.SubmitJobsResponse r = withJobs(server, jobs -> jobs.submitJobs(batch.build()));
            r.getJobsList().forEach(j -> System.out.println(j.getJob().getId()));
            return 0;
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  # A job's state, exit code and waiting reason", "  hodei job get 0193c5d2-7d1e-7a4c-9d52-1a2b3c4d5e6f", "  # As JSON, for a script", "  hodei job get 0193c5d2-7d1e-7a4c-9d52-1a2b3c4d5e6f -o json"},
        name = "get", description = "Show a job.")
    static class Get implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Mixin OutputFormat output;
        @Parameters(paramLabel = "JOB_ID") String id;

        @Override
        public Integer call() {
            Job job = withJobs(server, jobs -> jobs.getJob(GetJobRequest.newBuilder().setId(id).build()));
            if (output.printed(job)) return 0;
            JobOutput.describe(job, System.out);
            return 0;
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  # Every transition of a job, with its reason", "  hodei job describe 0193c5d2-7d1e-7a4c-9d52-1a2b3c4d5e6f"},
        name = "describe", description = "Show a job and its timeline: every transition with time, "
            + "attempt and reason.")
    static class Describe implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Parameters(paramLabel = "JOB_ID") String id;

        @Override
        public Integer call() {
            withJobs(server, jobs -> {
                Job job = jobs.getJob(GetJobRequest.newBuilder().setId(id).build());
                JobOutput.describe(job, System.out);
                System.out.println();
                System.out.println("Events:");
                System.out.printf("  %-27s %-26s %7s  %-20s %s%n", "TIME", "TRANSITION", "ATTEMPT", "BY", "REASON");
                jobs.watchJob(hodei.v1.WatchJobRequest.newBuilder().setJobId(id).setHistoryOnly(true).build())
                        .forEachRemaining(e -> System.out.printf("  %-27s %-26s %7d  %-20s %s%n",
                                JobOutput.instant(e.getTime()),
                                (e.getFromState() == JobState.JOB_STATE_UNSPECIFIED ? "" : JobOutput.state(e.getFromState()))
                                        + " -> " + JobOutput.state(e.getToState()),
                                e.getAttempt(), e.getPrincipal().isEmpty() ? "-" : e.getPrincipal(), e.getReason()));
                return null;
            });
            return 0;
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  # The newest 50 jobs", "  hodei job list", "  # Failed jobs of one team, with more columns", "  hodei job list --state FAILED -l team=data -o wide", "  # Watch the running and pending ones change", "  hodei job list -w --state RUNNING --state PENDING"},
        name = "list", description = "List jobs, newest first.")
    static class ListJobs implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Option(names = "--state", description = "Only these states (repeatable): PENDING, RUNNING, FAILED…")
        List<String> states = new ArrayList<>();
        @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE") Map<String, String> labels = new LinkedHashMap<>();
        @Option(names = "--limit", defaultValue = "50") int limit;
        @Option(names = "--page-token") String pageToken = "";
        @Option(names = {"-N", "--namespace"}, description = "Only this namespace (default: all you may read)")
        String namespace = "";
        @Option(names = {"-w", "--watch"}, description = {"Keep watching (Ctrl-C ends): on a terminal the list is "
                + "redrawn in place; piped, each new or changed job is printed once more (with -o json, one "
                + "object per line)"})
        boolean watch;
        @Option(names = "--interval", defaultValue = "2", paramLabel = "SECONDS",
                description = "With --watch: seconds between refreshes, 1 to 3600 (default ${DEFAULT-VALUE})")
        int interval;
        @Mixin OutputFormat output;

        @Override
        public Integer call() {
            if (watch && (interval < 1 || interval > 3600)) {
                throw new IllegalArgumentException("--interval must be 1 to 3600 seconds, was " + interval);
            }
            ListJobsRequest.Builder req = ListJobsRequest.newBuilder().putAllLabels(labels).setPageSize(limit)
                    .setPageToken(pageToken).setNamespace(namespace);
            for (String s : states) req.addStates(JobState.valueOf("JOB_STATE_" + s.toUpperCase()));
            if (!watch) {
                ListJobsResponse r = withJobs(server, jobs -> jobs.listJobs(req.build()));
                if (output.printed(r)) return 0;
                printTable(r.getJobsList(), true);
                if (!r.getNextPageToken().isEmpty()) System.err.println("next page: --page-token " + r.getNextPageToken());
                return 0;
            }
            boolean redraw = System.console() != null && !output.structured();
            return server.call(channel -> {
                JobServiceGrpc.JobServiceBlockingStub jobs = JobServiceGrpc.newBlockingStub(channel);
                Map<String, String> seen = new java.util.HashMap<>();
                boolean first = true;
                while (true) {
                    List<Job> now = jobs.listJobs(req.build()).getJobsList();
                    if (redraw) {
                        System.out.print("\033[H\033[2J");
                        System.out.println("every " + interval + " s: hodei job list   " + java.time.LocalTime.now().withNano(0));
                        printTable(now, true);
                    } else {
                        List<Job> changed = new ArrayList<>();
                        // oldest first, so that a reader sees the changes in the order they could have happened
                        List<Job> oldestFirst = new ArrayList<>(now);
                        java.util.Collections.reverse(oldestFirst);
                        for (Job j : oldestFirst) {
                            String version = j.getState() + "/" + j.getAttempt() + "/" + (j.hasExitCode() ? j.getExitCode() : "");
                            if (!version.equals(seen.put(j.getId(), version))) changed.add(j);
                        }
                        if (!output.printedEach(changed)) printTable(changed, first);
                    }
                    System.out.flush();
                    first = false;
                    try {
                        Thread.sleep(interval * 1000L);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return 0;
                    }
                }
            });
        }

        private void printTable(List<Job> list, boolean header) {
            boolean wide = output.wide();
            String row = wide ? "%-36s  %-12s  %4s  %8s  %-10s  %-12s  %7s  %-20s  %s%n" : "%-36s  %-12s  %4s  %8s  %s%n";
            Object[] head = wide ? new Object[] {"ID", "STATE", "EXIT", "TOOK", "PROVIDER", "NAMESPACE", "ATTEMPT", "CREATED", "COMMAND"}
                    : new Object[] {"ID", "STATE", "EXIT", "TOOK", "COMMAND"};
            if (header) System.out.printf(row, head);
            for (Job j : list) {
                String cmd = j.getSpec().hasArgv() ? String.join(" ", j.getSpec().getArgv().getArgsList())
                        : j.getSpec().getShell();
                cmd = !wide && cmd.length() > 60 ? cmd.substring(0, 57) + "..." : cmd.replace('\n', ' ');
                Object exit = j.hasExitCode() ? j.getExitCode() : "-";
                System.out.printf(row, wide
                        ? new Object[] {j.getId(), JobOutput.state(j.getState()), exit, JobOutput.duration(j), j.getProvider(),
                                j.getNamespace(), j.getAttempt(), JobOutput.instant(j.getCreatedAt()).toString().substring(0, 19), cmd}
                        : new Object[] {j.getId(), JobOutput.state(j.getState()), exit, JobOutput.duration(j), cmd});
            }
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  # Follow a job's output until it ends", "  hodei job logs -f 0193c5d2-7d1e-7a4c-9d52-1a2b3c4d5e6f", "  # The output of every attempt of a retried job", "  hodei job logs --all-attempts 0193c5d2-7d1e-7a4c-9d52-1a2b3c4d5e6f"},
        name = "logs", description = {"Print a job's output: its current attempt's (-f follows it, and each new "
            + "attempt after a marker on stderr, until the job ends), an earlier one's (--attempt N) or every "
            + "attempt's (--all-attempts)."})
    static class Logs implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Parameters(paramLabel = "JOB_ID") String id;
        @Option(names = {"-f", "--follow"}) boolean follow;
        @Option(names = "--from", defaultValue = "1", description = "First sequence number") long from;
        @Option(names = "--attempt", description = "Only this attempt's output (1 = the first run)") Integer attempt;
        @Option(names = "--all-attempts", description = "Every attempt's output, in order, with a marker between") boolean all;

        @Override
        public Integer call() {
            if (attempt != null && attempt < 1) throw new CommandLine.ParameterException(
                    new CommandLine(this), "--attempt: must be 1 or more");
            withJobs(server, jobs -> {
                if (all) return JobOutput.stream(jobs, id, from, follow, 0, System.out, System.err);
                int a = attempt != null ? attempt : Math.max(1, jobs.getJob(GetJobRequest.newBuilder().setId(id).build())
                        .getAttempt());
                if (follow && attempt == null && from == 1) {
                    JobOutput.followAttempts(jobs, id, a, System.out, System.err);
                    return null;
                }
                return JobOutput.stream(jobs, id, from, follow, a, System.out, System.err);
            });
            return 0;
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  # Cancel, saying why (kept in the job's timeline)", "  hodei job cancel 0193c5d2-7d1e-7a4c-9d52-1a2b3c4d5e6f --reason obsolete"},
        name = "cancel", description = "Cancel a job (idempotent).")
    static class Cancel implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Parameters(paramLabel = "JOB_ID") String id;
        @Option(names = "--reason") String reason = "";

        @Override
        public Integer call() {
            Job job = withJobs(server, jobs -> jobs.cancelJob(CancelJobRequest.newBuilder().setId(id)
                    .setReason(reason).build()));
            System.out.println(job.getId() + " " + JobOutput.state(job.getState())
                    + (job.getCancelStatus().isEmpty() ? "" : " (cancel " + job.getCancelStatus() + ")"));
            return 0;
        }
    }
}
