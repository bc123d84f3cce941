package dev.hodei.agent;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A reusable (pooled) agent's fresh workspace for one job: made empty before the job, owned by the
 * user the job runs as; after it, every process still carrying the job's {@code HODEI_JOB_ID} is
 * killed and the folder removed, so the next job finds neither. What it cannot undo: files the job
 * wrote outside its workspace, and a process that cleared its environment and left the tree.
 */
final class JobWorkspace implements AutoCloseable {

    private final Path dir;
    private final String jobId;
    private final Since since;

    private JobWorkspace(Path dir, String jobId, Since since) {
        this.dir = dir;
        this.jobId = jobId;
        this.since = since;
    }

    /**
     * A moment before any of a job's processes existed, as /proc tells it: the job thread's start
     * ({@code ticks}, clock ticks since boot) and the last pid the kernel had given out ({@code
     * lastPid}, -1 unknown), read at {@code nanos} (System.nanoTime).
     */
    record Since(long ticks, long lastPid, long nanos) {

        /** Read now, on the thread that will start the job. */
        static Since now() {
            return new Since(startTicks(Path.of("/proc/thread-self/stat")), kernelLastPid(), System.nanoTime());
        }

        /**
         * The pids the job's processes can have: those given out since, when they are few and cannot
         * have wrapped around past pid_max meanwhile; null when any pid can be one of them.
         */
        long[] newPids() {
            long last = kernelLastPid();
            if (lastPid < 0 || last < lastPid || last - lastPid > PID_WINDOW) return null;
            // a wrap needs pid_max pids given out: at the bound below, not within the time elapsed
            double seconds = (System.nanoTime() - nanos) / 1e9;
            if (seconds * PIDS_PER_SECOND_BOUND >= PID_MAX - PID_WINDOW) return null;
            long[] pids = new long[(int) (last - lastPid)];
            for (int i = 0; i < pids.length; i++) pids[i] = lastPid + 1 + i;
            return pids;
        }
    }

    // Pids come in increasing order until pid_max, so the job's processes have pids after the last
    // one given out before it; reading only those saves reading every process's stat after each job
    // (most of a pooled agent's CPU per job on a busy machine). Threads take pids from the same
    // counter, hence a window of thousands.
    private static final long PID_WINDOW = 8192;
    private static final double PIDS_PER_SECOND_BOUND = 100_000; // forks and threads: beyond what machines do
    private static final long PID_MAX = readLong(Path.of("/proc/sys/kernel/pid_max"), 32768);

    static long kernelLastPid() {
        return readLong(Path.of("/proc/sys/kernel/ns_last_pid"), -1);
    }

    private static long readLong(Path file, long otherwise) {
        // one read: a sysctl file read on from an offset past 0 reads as empty
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[32];
            int n = in.read(buf);
            return Long.parseLong(new String(buf, 0, Math.max(n, 0), StandardCharsets.US_ASCII).strip());
        } catch (IOException | RuntimeException e) {
            return otherwise;
        }
    }

    /**
     * A new empty folder under {@code root} for the job; {@code user}/{@code group} (name or id)
     * empty = the agent's own; {@code since}: a moment before any of the job's processes started.
     */
    static JobWorkspace create(Path root, String jobId, int attempt, String user, String group, Since since) throws IOException {
        Path dir = root.resolve("job-" + jobId + "-" + attempt);
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        if (!user.isEmpty()) {
            // names or numeric ids, as setpriv takes them
            UserPrincipalLookupService names = dir.getFileSystem().getUserPrincipalLookupService();
            PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
            view.setOwner(names.lookupPrincipalByName(user));
            if (!group.isEmpty()) view.setGroup(names.lookupPrincipalByGroupName(group));
        }
        return new JobWorkspace(dir, jobId, since);
    }

    Path dir() {
        return dir;
    }

    /** Never throws: the job's result must be sent whatever is left behind (which is logged). */
    @Override
    public void close() {
        try {
            killMarked(marker(jobId), since);
        } catch (RuntimeException e) {
            AgentSession.log("could not end the leftover processes of job " + jobId + ": " + e);
        }
        List<Path> left = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                if (!p.toFile().delete()) left.add(p);
            });
        } catch (IOException | RuntimeException e) { // Files.walk reports unreadable folders unchecked
            AgentSession.log("could not remove the workspace of job " + jobId + ": " + e);
            return;
        }
        if (!left.isEmpty()) AgentSession.log("could not remove " + left.size() + " path(s) of job " + jobId + "'s workspace");
    }

    /** The environment entry that every process of job {@code jobId} carries ({@link JobLauncher} sets it). */
    static String marker(String jobId) {
        return "HODEI_JOB_ID=" + jobId;
    }

    /** How long a process caught in the middle of an exec may take to show its new environment. */
    private static final long EXEC_SETTLE_NANOS = 1_000_000_000L;
    private static final long PF_KTHREAD = 0x00200000L;

    /**
     * Kills every process started since {@code since} whose environment holds {@code entry}. Only
     * the pids given out since are looked at when that is safe ({@link Since#newPids}); older
     * processes are passed over on their start time alone: on a busy machine reading every
     * environment was most of a pooled agent's CPU per job.
     */
    static void killMarked(String entry, Since since) {
        byte[] marker = entry.getBytes(StandardCharsets.ISO_8859_1);
        long notBefore = since.ticks();
        long self = ProcessHandle.current().pid();
        long[] newPids = since.newPids();
        String[] names;
        if (newPids != null) {
            names = new String[newPids.length];
            for (int i = 0; i < newPids.length; i++) names[i] = Long.toString(newPids[i]);
        } else {
            names = new File("/proc").list();
            if (names == null) return;
        }
        List<String> unsettled = new ArrayList<>();
        for (String name : names) {
            long pid = pid(name);
            if (pid <= 0 || pid == self) continue;
            // a window holds thread ids too, the agent's own among them, and an ephemeral agent's
            // environment carries its job's marker: never look at the agent itself
            if (newPids != null && ownThread(name)) continue;
            if (!settle(name, pid, marker, notBefore)) unsettled.add(name);
        }
        // between an exec's switch to its new memory and the setting of its arguments, a process
        // shows no environment at all: look again until it does, or it is gone
        long deadline = System.nanoTime() + EXEC_SETTLE_NANOS;
        while (!unsettled.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            unsettled.removeIf(name -> settle(name, pid(name), marker, notBefore));
        }
        if (!unsettled.isEmpty()) AgentSession.log(unsettled.size() + " process(es) never showed an environment to check: " + unsettled);
    }

    /** Whether {@code tid} is a thread of this process. */
    static boolean ownThread(String tid) {
        return new File("/proc/self/task/" + tid).exists(); // Files.exists throws and catches inside
    }

    /** Kills the process if it is the job's; false when it cannot tell yet (caught mid-exec). */
    private static boolean settle(String name, long pid, byte[] marker, long notBefore) {
        Path proc = Path.of("/proc", name);
        // most pids of the window are gone, or threads of another process: a stat costs no exception
        // (reading a missing file throws two, each with its stack trace, several per job)
        if (!new File("/proc/" + name + "/stat").exists()) return true;
        try {
            byte[] stat = Files.readAllBytes(proc.resolve("stat"));
            if (statField(stat, 22) < notBefore) return true;
            byte state = statState(stat);
            // kernel threads have no environment, zombies no longer
            if ((statField(stat, 9) & PF_KTHREAD) != 0 || state == 'Z' || state == 'X') return true;
            // the handle first: killing it later checks it is still this process, not a reused pid
            ProcessHandle p = ProcessHandle.of(pid).orElse(null);
            if (p == null) return true;
            byte[] environ = Files.readAllBytes(proc.resolve("environ"));
            if (environ.length == 0) {
                // an emptied environment (env -i) still has its arguments; a process mid-exec has neither yet
                if (Files.readAllBytes(proc.resolve("cmdline")).length == 0) return false;
                environ = Files.readAllBytes(proc.resolve("environ")); // an exec may have ended between the reads
            }
            if (holds(environ, marker)) p.destroyForcibly();
            return true;
        } catch (IOException | SecurityException e) {
            return true; // gone already, or not ours to read
        }
    }

    /** Field 22 of a /proc stat file; -1 (older than anything) when unreadable. */
    static long startTicks(Path stat) {
        try {
            return startTicks(Files.readAllBytes(stat));
        } catch (IOException | SecurityException e) {
            return -1;
        }
    }

    static long startTicks(byte[] stat) {
        return statField(stat, 22);
    }

    /** Numeric field {@code n} (4 or more) of a /proc stat line; -1 when it has none. */
    static long statField(byte[] stat, int n) {
        int i = nameEnd(stat);
        if (i < 0) return -1;
        int field = 2; // the name was field 2
        for (i++; i < stat.length; i++) {
            if (stat[i] != ' ') continue;
            if (++field < n) continue;
            long value = 0;
            for (int j = i + 1; j < stat.length && stat[j] >= '0' && stat[j] <= '9'; j++) value = value * 10 + (stat[j] - '0');
            return value;
        }
        return -1;
    }

    /** Field 3, the one-letter state (R, S, Z...); 0 when there is none. */
    static byte statState(byte[] stat) {
        int i = nameEnd(stat);
        return i >= 0 && i + 2 < stat.length ? stat[i + 2] : 0;
    }

    private static int nameEnd(byte[] stat) {
        int i = stat.length - 1;
        while (i >= 0 && stat[i] != ')') i--; // the command name may hold spaces and parentheses
        return i;
    }

    /** Whether a NUL-separated environment block holds {@code entry} as one whole variable. */
    static boolean holds(byte[] environ, byte[] entry) {
        for (int start = 0; start + entry.length <= environ.length; ) {
            int end = start;
            while (end < environ.length && environ[end] != 0) end++;
            if (end - start == entry.length && Arrays.equals(environ, start, end, entry, 0, entry.length)) return true;
            start = end + 1;
        }
        return false;
    }

    private static long pid(String name) {
        if (name.isEmpty() || name.charAt(0) < '1' || name.charAt(0) > '9') return -1;
        try {
            return Long.parseLong(name);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
