package dev.hodei.agent;

import hodei.v1.JobSpec;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a job's process is started: its command line, the user it runs as, and an environment
 * built from nothing. The agent's own environment (its one-time token, the server's address and,
 * under the process provider, whatever the server had) never reaches the job.
 */
final class JobLauncher {

    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Map<String, String> agentEnv;
    private final Path home;
    private final String user;
    private final String group;

    /**
     * @param agentEnv the agent's environment: {@code HODEI_JOB_USER}/{@code HODEI_JOB_GROUP} (run the
     *                 job as that user and group id; unset = the agent's own user), the worker and job ids,
     *                 and PATH/LANG, the only values the job inherits
     * @param home     the job's HOME and default working directory (the agent's workspace)
     */
    JobLauncher(Map<String, String> agentEnv, Path home) {
        this.agentEnv = Map.copyOf(agentEnv);
        this.home = home;
        this.user = agentEnv.getOrDefault("HODEI_JOB_USER", "");
        this.group = agentEnv.getOrDefault("HODEI_JOB_GROUP", "");
    }

    static JobLauncher fromEnvironment() {
        return new JobLauncher(System.getenv(), Path.of("").toAbsolutePath());
    }

    /** The same launcher, with {@code home} as the job's HOME and default working directory. */
    JobLauncher in(Path home) {
        return new JobLauncher(agentEnv, home);
    }

    /** A fresh workspace under the agent's own, owned by the user jobs run as; {@code since}: before the job's first process. */
    JobWorkspace freshWorkspace(String jobId, int attempt, JobWorkspace.Since since) throws java.io.IOException {
        return JobWorkspace.create(home, jobId, attempt, user, group, since);
    }

    ProcessBuilder builder(JobSpec spec, String jobId) {
        List<String> command = new ArrayList<>();
        if (!user.isEmpty()) {
            // setpriv execs the command itself (no PAM, no environment of its own, no extra process),
            // so the PID the agent waits for and kills is the job's; no-new-privs stops setuid escalation.
            command.addAll(List.of("setpriv", "--reuid=" + user, "--regid=" + (group.isEmpty() ? user : group),
                    "--init-groups", "--no-new-privs", "--"));
        }
        command.addAll(spec.hasArgv() ? spec.getArgv().getArgsList() : List.of("/bin/sh", "-c", spec.getShell()));
        Path dir = spec.getWorkingDir().isEmpty() ? home : Path.of(spec.getWorkingDir());
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().putAll(environment(spec, dir, jobId));
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return pb;
    }

    /** The job's whole environment: a minimal base, the spec's variables, and the ids that mark its processes. */
    Map<String, String> environment(JobSpec spec, Path dir, String jobId) {
        Map<String, String> env = new LinkedHashMap<>();
        // An image's PATH is part of the image (e.g. a JDK's bin); it is a search path, not a secret.
        env.put("PATH", agentEnv.getOrDefault("PATH", DEFAULT_PATH));
        env.put("HOME", home.toString());
        env.put("LANG", agentEnv.getOrDefault("LANG", "C.UTF-8"));
        env.put("TERM", "dumb"); // no terminal: output goes to pipes
        env.put("USER", user.isEmpty() ? System.getProperty("user.name") : user);
        env.put("PWD", dir.toString());
        env.putAll(spec.getEnvMap());
        // Marks every process of the job, so the provider finds them even if this agent dies first.
        env.put("HODEI_WORKER_ID", agentEnv.getOrDefault("HODEI_WORKER_ID", ""));
        // the job's own id: a warm worker was started before any job existed
        env.put("HODEI_JOB_ID", jobId);
        return env;
    }
}
