package dev.hodei.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
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

    private JobWorkspace(Path dir, String jobId) {
        this.dir = dir;
        this.jobId = jobId;
    }

    /** A new empty folder under {@code root} for the job; {@code uid}/{@code gid} empty = the agent's own. */
    static JobWorkspace create(Path root, String jobId, int attempt, String uid, String gid) throws IOException {
        Path dir = root.resolve("job-" + jobId + "-" + attempt);
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        if (!uid.isEmpty()) {
            Files.setAttribute(dir, "unix:uid", Integer.parseInt(uid));
            Files.setAttribute(dir, "unix:gid", Integer.parseInt(gid.isEmpty() ? uid : gid));
        }
        return new JobWorkspace(dir, jobId);
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() {
        killMarked("\0HODEI_JOB_ID=" + jobId + "\0");
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            AgentSession.log("could not remove the workspace of job " + jobId + ": " + e.getMessage());
        }
    }

    /** Kills every process whose environment holds {@code entry} (NUL-delimited, as in /proc/PID/environ). */
    static void killMarked(String entry) {
        ProcessHandle.allProcesses().filter(p -> p.pid() != ProcessHandle.current().pid()).forEach(p -> {
            try {
                String environ = "\0" + new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "environ")),
                        StandardCharsets.ISO_8859_1);
                if (environ.contains(entry)) p.destroyForcibly();
            } catch (IOException | SecurityException e) {
                // gone already, or not ours to read
            }
        });
    }
}
