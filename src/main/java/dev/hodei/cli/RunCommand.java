package dev.hodei.cli;

import hodei.v1.GetJobRequest;
import hodei.v1.Job;
import hodei.v1.JobServiceGrpc;
import hodei.v1.SubmitJobRequest;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(footerHeading = "%nExamples:%n", footer = {"  # A shell command; the exit code is the job's", "  hodei run -- 'echo hello | tr a-z A-Z'", "  # In a container, with a deadline and a label", "  hodei run -p docker --image debian:12-slim -t 60 -l team=data -- uname -a", "  # A program and its arguments, without a shell", "  hodei run --argv -- /usr/bin/env printf '%%s\\n' one two"},
        name = "run", description = {
        "Submit a job, stream its output live, and exit with the job's exit code."})
class RunCommand implements Callable<Integer> {

    @Mixin
    ServerAddress server;

    @Mixin
    JobSpecOptions spec;

    @Option(names = {"-q", "--quiet"}, description = "Do not print the job id and final state on stderr")
    boolean quiet;

    @Option(names = "--progress", negatable = true, description = "Print on stderr what the job waits for (queued "
            + "and why, the worker it gets) until it runs; default: when run in a terminal")
    Boolean progress;

    @Override
    public Integer call() {
        return server.call(channel -> {
            JobServiceGrpc.JobServiceBlockingStub jobs = JobServiceGrpc.newBlockingStub(channel);
            // A key of our own, so a retried submit after a lost answer cannot create two jobs.
            String key = spec.idempotencyKey.isEmpty() ? "cli-" + UUID.randomUUID() : spec.idempotencyKey;
            Job job = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(spec.toSpec()).setIdempotencyKey(key)
                            .setNamespace(server.namespace(spec.namespace)).build())
                    .getJob();
            if (!quiet) System.err.println("hodei: job " + job.getId());
            boolean show = progress != null ? progress : !quiet && System.console() != null;
            Runnable stopProgress = show ? JobProgress.follow(channel, job.getId(), System.err) : () -> { };
            JobOutput.stream(jobs, job.getId(), 1, true, System.out, System.err);
            stopProgress.run();
            Job done = jobs.getJob(GetJobRequest.newBuilder().setId(job.getId()).build());
            if (!quiet || done.getState() != hodei.v1.JobState.JOB_STATE_SUCCEEDED) {
                System.err.println("hodei: job " + done.getId() + " " + JobOutput.state(done.getState())
                        + (done.getFailureReason().isEmpty() ? "" : " (" + done.getFailureReason() + ")"));
            }
            return JobOutput.exitCode(done);
        });
    }
}
