package dev.hodei.standalone;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU seconds spent so far, from /proc (Linux), for the bench's "CPU per 1,000 jobs": this JVM,
 * the processes it started and waited for (agents and their jobs), and an embedded PostgreSQL
 * (its postmaster, the backends it reaped, and those alive).
 */
record ProcessCpu(double self, double children, double postgres) {

    private static final double TICKS = 100.0; // USER_HZ on Linux

    ProcessCpu minus(ProcessCpu before) {
        return new ProcessCpu(self - before.self, children - before.children, postgres - before.postgres);
    }

    /** Now; {@code dataDir}: the embedded PostgreSQL's data folder, which its postmaster's command line names. */
    static ProcessCpu now(String dataDir) {
        long[] me = stat(ProcessHandle.current().pid());
        double children = (me[2] + me[3]) / TICKS;
        // agents still alive count too (their own and their reaped jobs' time)
        for (ProcessHandle p : ProcessHandle.current().children().toList()) {
            long[] s = stat(p.pid());
            children += (s[0] + s[1] + s[2] + s[3]) / TICKS;
        }
        double postgres = 0;
        List<ProcessHandle> postmasters = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(dataDir)).toList();
        for (ProcessHandle pm : postmasters) {
            long[] s = stat(pm.pid());
            postgres += (s[0] + s[1] + s[2] + s[3]) / TICKS;
            for (ProcessHandle backend : pm.children().toList()) {
                long[] b = stat(backend.pid());
                postgres += (b[0] + b[1]) / TICKS;
            }
        }
        return new ProcessCpu((me[0] + me[1]) / TICKS, children, postgres);
    }

    /** utime, stime, cutime, cstime in ticks; zeros for a process gone. */
    private static long[] stat(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" "); // f[0] is field 3 (state)
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])};
        } catch (Exception e) {
            return new long[4];
        }
    }
}
