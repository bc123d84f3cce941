package dev.hodei.standalone;

import java.io.IOException;
import java.util.List;

/**
 * The second reference beside our job cycle ({@code hodei bench --burst N --db-scheduler}): what
 * a process per job costs at the least. One shell forks and waits for N {@code /bin/sh -c true},
 * one after the other, and nothing else runs; its CPU (the shell's and its children's) is read as
 * this JVM's reaped children's. With db-scheduler's CPU per task it bounds, on this machine, any
 * design that forks a process per job and keeps each job in PostgreSQL.
 */
final class ForkFloor {

    record Result(double seconds, ProcessCpu cpu) {}

    private ForkFloor() {}

    static Result run(int count, String dataDir) throws IOException, InterruptedException {
        ProcessCpu before = ProcessCpu.now(dataDir);
        long t0 = System.nanoTime();
        Process shell = new ProcessBuilder(List.of("/bin/sh", "-c",
                "i=0; while [ \"$i\" -lt \"$1\" ]; do /bin/sh -c true; i=$((i + 1)); done", "fork-floor",
                Integer.toString(count)))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int exit = shell.waitFor();
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (exit != 0) throw new IllegalStateException("the fork loop exited with " + exit);
        return new Result(seconds, ProcessCpu.now(dataDir).minus(before));
    }
}
