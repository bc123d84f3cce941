package dev.hodei.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
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

    /** A new empty folder under {@code root} for the job; {@code user}/{@code group} (name or id) empty = the agent's own. */
    static JobWorkspace create(Path root, String jobId, int attempt, String user, String group) throws IOException {
        Path dir = root.resolve("job-" + jobId + "-" + attempt);
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        if (!user.isEmpty()) {
            // names or numeric ids, as setpriv takes them
            UserPrincipalLookupService names = dir.getFileSystem().getUserPrincipalLookupService();
            PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
            view.setOwner(names.lookupPrincipalByName(user));
            if (!group.isEmpty()) view.setGroup(names.lookupPrincipalByGroupName(group));
        }
        return new JobWorkspace(dir, jobId);
    }

    Path dir() {
        return dir;
    }

    /** Never throws: the job's result must be sent whatever is left behind (which is logged). */
    @Override
    public void close() {
        try {
            killMarked("\0HODEI_JOB_ID=" + jobId + "\0");
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
