package dev.hodei.agent;

import com.google.protobuf.ByteString;
import hodei.v1.JobResult;
import hodei.v1.LogChunk;
import hodei.v1.LogStream;
import hodei.v1.RunJob;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one job: shell commands through {@code /bin/sh -c} (pipes, quotes and redirections
 * work), argv commands directly. stdout and stderr are read as they come and sent as ordered
 * batches; the real exit code (and signal) is reported once all output has been sent.
 */
final class JobRun {

    static final int MAX_BATCH_BYTES = 64 * 1024;
    static final long FLUSH_EVERY_MS = 50;
    /** Output held unsent before the job's pipes are left to block: memory stays bounded. */
    static final int MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
    static final long KILL_GRACE_MS = 2000;
    /**
     * The threads that read a job's output and flush it, kept between jobs: starting and ending a
     * thread costs about 160 us of CPU here, three per job on a reusable worker.
     */
    private static final ExecutorService OUTPUT = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "job-output");
        t.setDaemon(true);
        return t;
    });

    private final RunJob job;
    private final MessageSink sink;
    private final JobLauncher launcher;
    private final Object buffer = new Object();
    private final Object startLock = new Object();
    private final ArrayDeque<LogChunk> pending = new ArrayDeque<>();
    private int pendingBytes;
    private volatile Process process;
    private volatile boolean cancelled;
    private volatile boolean timedOut;
    private volatile boolean outputDone;
    /** Read on the job's thread before its process starts: none of the job's processes is older. */
    private volatile JobWorkspace.Since since;

    JobRun(RunJob job, MessageSink sink) {
        this(job, sink, JobLauncher.fromEnvironment());
    }

    private final boolean freshWorkspace;

    JobRun(RunJob job, MessageSink sink, JobLauncher launcher) {
        this(job, sink, launcher, false);
    }

    /** {@code freshWorkspace}: a pooled agent's job, run in a workspace of its own that is removed after it. */
    JobRun(RunJob job, MessageSink sink, JobLauncher launcher, boolean freshWorkspace) {
        this.job = job;
        this.sink = sink;
        this.launcher = launcher;
        this.freshWorkspace = freshWorkspace;
    }

    String jobId() {
        return job.getJobId();
    }

    int attempt() {
        return job.getAttempt();
    }

    void start() {
        Thread t = new Thread(this::run, "job-" + job.getJobId());
        t.start();
    }

    void cancel() {
        synchronized (startLock) {
            cancelled = true; // seen by run() if the process is not started yet
        }
        kill();
    }

    /** Ends the process and everything it started: SIGTERM, then SIGKILL after a grace period. */
    void kill() {
        Process p = process;
        if (p == null) return;
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        // the shell first: a shell whose foreground child died first would run its next command
        p.destroy();
        tree.forEach(ProcessHandle::destroy);
        try {
            if (!p.waitFor(KILL_GRACE_MS, TimeUnit.MILLISECONDS)) {
                tree.addAll(p.descendants().toList());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tree.forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        killLeftTree();
    }

    /**
     * A child the shell was forking as it died, or one that left the tree ({@code (cmd &)}), is no
     * descendant any more, and may hold the job's pipes open for as long as it lives; it still
     * carries the job's id in its environment.
     */
    private void killLeftTree() {
        JobWorkspace.Since s = since;
        if (s != null) JobWorkspace.killMarked(JobWorkspace.marker(job.getJobId()), s);
    }

    private void run() {
        since = JobWorkspace.Since.now();
        if (!freshWorkspace) {
            JobResult result = runIn(launcher);
            if (result != null) sink.result(result);
            return;
        }
        JobWorkspace workspace;
        try {
            workspace = launcher.freshWorkspace(job.getJobId(), job.getAttempt(), since);
        } catch (IOException | RuntimeException e) {
            sink.result(JobResult.newBuilder().setJobId(job.getJobId()).setAttempt(job.getAttempt()).setExitCode(127)
                    .setError("could not make the job's workspace: " + e.getMessage()).build());
            return;
        }
        JobResult result;
        try (workspace) {
            result = runIn(launcher.in(workspace.dir()));
        }
        // reported once the job's leftovers are gone: the next job this agent runs finds none
        if (result != null) sink.result(result);
    }

    /** Runs the job; its result, or null when the agent is stopping. */
    private JobResult runIn(JobLauncher launcher) {
        long started = System.nanoTime();
        JobResult.Builder result = JobResult.newBuilder().setJobId(job.getJobId()).setAttempt(job.getAttempt());
        synchronized (startLock) {
            if (cancelled) return result.setExitCode(0).setCancelled(true).build();
            try {
                process = launcher.builder(job.getSpec(), job.getJobId()).start();
            } catch (IOException e) {
                return result.setExitCode(127).setError(e.getMessage()).build();
            }
        }
        Future<?> out = pump(process.getInputStream(), LogStream.LOG_STREAM_STDOUT);
        Future<?> err = pump(process.getErrorStream(), LogStream.LOG_STREAM_STDERR);
        Future<?> flusher = OUTPUT.submit(this::flushPeriodically);
        int exit;
        try {
            if (!process.waitFor(job.getRunTimeoutSeconds(), TimeUnit.SECONDS)) {
                timedOut = true;
                kill();
            }
            exit = process.waitFor();
            // Background children may still hold the pipes open; give them a moment, then end them.
            boolean outDone = done(out, 1000);
            boolean errDone = done(err, 1000);
            if (!outDone || !errDone) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                killLeftTree();
                if (!outDone) done(out, Long.MAX_VALUE);
                if (!errDone) done(err, Long.MAX_VALUE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            return null;
        }
        // the job ends with everything it started, as in a container; a pooled job's workspace does
        // this when it closes
        if (!freshWorkspace) killLeftTree();
        outputDone = true;
        synchronized (buffer) {
            buffer.notifyAll();
        }
        try {
            done(flusher, Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
        result.setExitCode(exit)
                .setSignal(exit > 128 && exit < 128 + 65 ? exit - 128 : 0)
                .setTimedOut(timedOut)
                .setCancelled(cancelled)
                .setDurationMs(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return result.build();
    }

    /** Whether the task ended within {@code ms}; one that failed is logged (it ended all the same). */
    private static boolean done(Future<?> task, long ms) throws InterruptedException {
        try {
            task.get(ms, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            java.io.StringWriter trace = new java.io.StringWriter();
            e.getCause().printStackTrace(new java.io.PrintWriter(trace));
            AgentSession.log("a job's output task failed: " + trace);
            return true;
        }
    }

    private Future<?> pump(InputStream in, LogStream stream) {
        return OUTPUT.submit(() -> {
            byte[] buf = new byte[16 * 1024];
            Redaction redaction = new Redaction(job.getRedactList());
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (!redaction.active()) {
                        add(stream, ByteString.copyFrom(buf, 0, n));
                        continue;
                    }
                    byte[] shown = redaction.apply(buf, n);
                    if (shown.length > 0) add(stream, ByteString.copyFrom(shown));
                }
            } catch (IOException e) {
                // the pipe closed: the process is gone
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            byte[] rest = redaction.finish();
            try {
                if (rest.length > 0) add(stream, ByteString.copyFrom(rest));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void add(LogStream stream, ByteString data) throws InterruptedException {
        synchronized (buffer) {
            while (pendingBytes >= MAX_BUFFERED_BYTES) buffer.wait(); // the job's writes block, nothing is lost
            pending.add(LogChunk.newBuilder().setStream(stream).setData(data).build());
            pendingBytes += data.size();
            if (pendingBytes >= MAX_BATCH_BYTES) buffer.notifyAll();
        }
    }

    private void flushPeriodically() {
        try {
            while (!outputDone) {
                synchronized (buffer) {
                    if (pendingBytes < MAX_BATCH_BYTES && !outputDone) buffer.wait(FLUSH_EVERY_MS);
                }
                flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends what is buffered, in order, in batches of at most {@link #MAX_BATCH_BYTES}. */
    private synchronized void flush() {
        while (true) {
            List<LogChunk> batch = new ArrayList<>();
            synchronized (buffer) {
                int bytes = 0;
                while (!pending.isEmpty() && (batch.isEmpty() || bytes + pending.peekFirst().getData().size() <= MAX_BATCH_BYTES)) {
                    LogChunk c = pending.removeFirst();
                    bytes += c.getData().size();
                    batch.add(c);
                }
                pendingBytes -= bytes;
                buffer.notifyAll();
            }
            if (batch.isEmpty()) return;
            sink.logs(job.getJobId(), job.getAttempt(), batch);
        }
    }
}
