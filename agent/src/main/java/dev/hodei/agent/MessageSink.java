package dev.hodei.agent;

import hodei.v1.JobResult;
import hodei.v1.LogChunk;
import java.util.List;

/** Where a running job's output and result go. */
interface MessageSink {
    /** Sends the next chunks of the job's output, in order; blocks while they cannot be sent. */
    void logs(String jobId, int attempt, List<LogChunk> chunks);

    /** Reports the job's result; it is kept and resent until the control plane acknowledges it. */
    void result(JobResult result);
}
