package dev.hodei.cli;

import hodei.v1.GetJobRequest;
import hodei.v1.Job;
import hodei.v1.JobServiceGrpc;
import hodei.v1.JobState;
import hodei.v1.LogChunk;
import hodei.v1.LogStream;
import hodei.v1.StreamLogsRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;

/** Printing what jobs did: their output, their state, the exit code the CLI returns. */
public final class JobOutput {

    private JobOutput() {}

    /** Streams a job's output to stdout/stderr (each stream to its own), following until the job ends. */
    public static long stream(JobServiceGrpc.JobServiceBlockingStub jobs, String jobId, long from, boolean follow,
                       OutputStream out, OutputStream err) {
        return stream(jobs, jobId, from, follow, 0, out, err);
    }

    /**
     * The same for one attempt ({@code attempt} 0: every attempt, with a marker on stderr where a
     * new one begins); returns the last sequence printed.
     */
    public static long stream(JobServiceGrpc.JobServiceBlockingStub jobs, String jobId, long from, boolean follow,
                       int attempt, OutputStream out, OutputStream err) {
        long last = from - 1;
        int shown = 0;
        Iterator<LogChunk> chunks = jobs.streamLogs(StreamLogsRequest.newBuilder()
                .setJobId(jobId).setFromSequence(from).setFollow(follow).setAttempt(attempt).build());
        try {
            while (chunks.hasNext()) {
                LogChunk c = chunks.next();
                if (attempt == 0 && shown != 0 && c.getAttempt() != shown) attemptMarker(err, c.getAttempt());
                shown = c.getAttempt();
                OutputStream target = c.getStream() == LogStream.LOG_STREAM_STDERR ? err : out;
                c.getData().writeTo(target);
                target.flush();
                last = c.getSequence();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return last;
    }

    /**
     * Follows a job's output attempt by attempt from {@code attempt}: when one is over and the
     * job runs again, a marker on stderr, then the new attempt's output.
     */
    static void followAttempts(JobServiceGrpc.JobServiceBlockingStub jobs, String jobId, int attempt,
                               OutputStream out, OutputStream err) {
        for (int a = attempt; ; a++) {
            stream(jobs, jobId, 1, true, a, out, err);
            if (jobs.getJob(GetJobRequest.newBuilder().setId(jobId).build()).getAttempt() <= a) return;
            attemptMarker(err, a + 1);
        }
    }

    private static void attemptMarker(OutputStream err, int attempt) {
        try {
            err.write(("\n── attempt " + attempt + " ──\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            err.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The CLI's exit code for a finished job: the job's own exit code when it ran; 124 timed out
     * (as timeout(1)), 130 cancelled, 125 when it never ran (as docker run).
     */
    static int exitCode(Job job) {
        return switch (job.getState()) {
            case JOB_STATE_SUCCEEDED -> 0;
            case JOB_STATE_TIMED_OUT -> 124;
            case JOB_STATE_CANCELLED -> 130;
            case JOB_STATE_FAILED -> job.hasExitCode() ? job.getExitCode() : 125;
            default -> 125;
        };
    }

    public static String state(JobState s) {
        return s.name().substring("JOB_STATE_".length());
    }

    public static String duration(Job job) {
        if (!job.hasFinishedAt() || !job.hasCreatedAt()) return "-";
        Duration d = Duration.between(instant(job.getCreatedAt()), instant(job.getFinishedAt()));
        return String.format("%.2fs", d.toMillis() / 1000.0);
    }

    public static Instant instant(com.google.protobuf.Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    static void describe(Job job, PrintStream out) {
        out.printf("id:        %s%n", job.getId());
        if (!job.getSpec().getName().isEmpty()) out.printf("name:      %s%n", job.getSpec().getName());
        out.printf("command:   %s%n", job.getSpec().hasArgv()
                ? String.join(" ", job.getSpec().getArgv().getArgsList()) + "  (argv)" : job.getSpec().getShell());
        out.printf("state:     %s%n", state(job.getState()));
        if (!job.getWaitingReason().isEmpty()) out.printf("waiting:   %s%n", job.getWaitingReason());
        if (job.hasExitCode()) out.printf("exit code: %d%s%n", job.getExitCode(),
                job.getSignal() != 0 ? " (signal " + job.getSignal() + ")" : "");
        if (!job.getFailureReason().isEmpty()) out.printf("reason:    %s%n", job.getFailureReason());
        out.printf("namespace: %s%n", job.getNamespace());
        if (!job.getSubmittedBy().isEmpty()) out.printf("submitted by: %s%n", job.getSubmittedBy());
        if (!job.getCancelledBy().isEmpty()) out.printf("cancelled by: %s%n", job.getCancelledBy());
        if (!job.getCancelStatus().isEmpty()) out.printf("cancel:    %s%n", job.getCancelStatus());
        out.printf("provider:  %s%n", job.getProvider());
        out.printf("attempt:   %d%n", job.getAttempt());
        if (!job.getWorkerId().isEmpty()) out.printf("worker:    %s%n", job.getWorkerId());
        if (!job.getProviderResourceId().isEmpty()) out.printf("resource:  %s%n", job.getProviderResourceId());
        out.printf("created:   %s%n", instant(job.getCreatedAt()));
        if (job.hasStartedAt()) out.printf("started:   %s%n", instant(job.getStartedAt()));
        if (job.hasFinishedAt()) out.printf("finished:  %s (%s)%n", instant(job.getFinishedAt()), duration(job));
        if (!job.getSpec().getLabelsMap().isEmpty()) out.printf("labels:    %s%n", job.getSpec().getLabelsMap());
        if (job.hasRun()) {
            hodei.v1.TemplateRun r = job.getRun();
            out.printf("template:  %s v%d, run %d%n", r.getTemplateName(), r.getTemplateVersion(), r.getRunNumber());
            out.printf("trigger:   %s (%s)%n", r.getTrigger().name().substring("TRIGGER_".length()).toLowerCase(),
                    r.getTriggeredBy());
            if (!r.getParametersMap().isEmpty()) out.printf("params:    %s%n", new java.util.TreeMap<>(r.getParametersMap()));
        }
    }
}
