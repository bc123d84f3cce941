package dev.hodei.agent;

import java.io.File;
import java.io.IOException;
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
    private final long notBefore;

    private JobWorkspace(Path dir, String jobId, long notBefore) {
        this.dir = dir;
        this.jobId = jobId;
        this.notBefore = notBefore;
    }

    /** A new empty folder under {@code root} for the job; {@code user}/{@code group} (name or id) empty = the agent's own. */
    static JobWorkspace create(Path root, String jobId, int attempt, String user, String group) throws IOException {
        // this thread's start, read before the job's process exists: nothing of the job can be older
        return create(root, jobId, attempt, user, group, startTicks(Path.of("/proc/thread-self/stat")));
    }

    /** {@code notBefore}: the clock tick since boot before which none of the job's processes started. */
    static JobWorkspace create(Path root, String jobId, int attempt, String user, String group, long notBefore) throws IOException {
        Path dir = root.resolve("job-" + jobId + "-" + attempt);
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        if (!user.isEmpty()) {
            // names or numeric ids, as setpriv takes them
            UserPrincipalLookupService names = dir.getFileSystem().getUserPrincipalLookupService();
            PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
            view.setOwner(names.lookupPrincipalByName(user));
            if (!group.isEmpty()) view.setGroup(names.lookupPrincipalByGroupName(group));
        }
        return new JobWorkspace(dir, jobId, notBefore);
    }

    Path dir() {
        return dir;
    }

    /** Never throws: the job's result must be sent whatever is left behind (which is logged). */
    @Override
    public void close() {
        try {
            killMarked(marker(jobId), notBefore);
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
     * Kills every process started at or after {@code notBefore} (clock ticks since boot, as in
     * /proc/PID/stat) whose environment holds {@code entry}. Older processes are passed over on
     * their start time alone: on a busy machine reading every environment was most of a pooled
     * agent's CPU per job.
     */
    static void killMarked(String entry, long notBefore) {
        byte[] marker = entry.getBytes(StandardCharsets.ISO_8859_1);
        long self = ProcessHandle.current().pid();
        String[] names = new File("/proc").list();
        if (names == null) return;
        List<String> unsettled = new ArrayList<>();
        for (String name : names) {
            long pid = pid(name);
            if (pid > 0 && pid != self && !settle(name, pid, marker, notBefore)) unsettled.add(name);
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

    /** Kills the process if it is the job's; false when it cannot tell yet (caught mid-exec). */
    private static boolean settle(String name, long pid, byte[] marker, long notBefore) {
        Path proc = Path.of("/proc", name);
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
