package dev.hodei.agent;

import hodei.v1.AgentMessage;
import hodei.v1.JobResult;

/** Where a running job's output and result go. */
interface MessageSink {
    void send(AgentMessage message);

    void result(JobResult result);
}
