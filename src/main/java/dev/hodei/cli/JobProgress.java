package dev.hodei.cli;

import hodei.v1.GetJobRequest;
import hodei.v1.Job;
import hodei.v1.JobEvent;
import hodei.v1.JobServiceGrpc;
import hodei.v1.JobState;
import hodei.v1.WatchJobRequest;
import io.grpc.Channel;
import io.grpc.Context;
import java.io.PrintStream;
import java.util.Iterator;

/**
 * {@code hodei run}'s progress on stderr until the job runs: each state change with its reason
 * ("claimed", "warm worker … of pool …"), and while it is queued why it waits, as GetJob says,
 * again whenever that changes (asked every 500 ms).
 */
final class JobProgress {

    private JobProgress() {}

    /** Starts following; the returned stop ends it (once the job's output ended, say). */
    static Runnable follow(Channel channel, String jobId, PrintStream err) {
        Context.CancellableContext call = Context.current().withCancellation();
        Thread t = new Thread(() -> call.run(() -> {
            JobServiceGrpc.JobServiceBlockingStub jobs = JobServiceGrpc.newBlockingStub(channel);
            try {
                Iterator<JobEvent> events = jobs.watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build());
                while (events.hasNext()) {
                    JobEvent e = events.next();
                    String state = JobOutput.state(e.getToState()).toLowerCase(java.util.Locale.ROOT);
                    err.println("hodei: " + state + (e.getReason().isEmpty() ? "" : ": " + e.getReason()));
                    if (e.getToState() == JobState.JOB_STATE_PENDING) waitingReasons(jobs, jobId, err);
                    if (e.getToState().getNumber() >= JobState.JOB_STATE_RUNNING_VALUE) return;
                }
            } catch (RuntimeException ended) {
                // cancelled when the output ends, or the server went away: the run reports that itself
            }
        }), "hodei-progress");
        t.setDaemon(true);
        t.start();
        return () -> {
            call.cancel(null);
            t.interrupt();
        };
    }

    /** While the job is PENDING: why, each time the answer changes. */
    private static void waitingReasons(JobServiceGrpc.JobServiceBlockingStub jobs, String jobId, PrintStream err) {
        String last = "";
        while (!Thread.currentThread().isInterrupted()) {
            Job job = jobs.getJob(GetJobRequest.newBuilder().setId(jobId).build());
            if (job.getState() != JobState.JOB_STATE_PENDING) return;
            if (!job.getWaitingReason().isEmpty() && !job.getWaitingReason().equals(last)) {
                last = job.getWaitingReason();
                err.println("hodei: waiting: " + last);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
