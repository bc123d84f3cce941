import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The floor of a process per job started from a JVM, as a reusable agent starts one: a fresh
 * folder, an environment built from nothing, stdin from /dev/null, both pipes read, the exit
 * waited for, the folder removed; one after the other, nothing else. Prints spawns/s and the CPU
 * per 1,000 (this JVM's and its children's, JVM start-up left out). docs/benchmarks.md:
 *
 * <pre>java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djdk.lang.Process.launchMechanism=VFORK scripts/SpawnFloor.java 2000</pre>
 */
public class SpawnFloor {

    private static final double TICKS = 100.0; // USER_HZ on Linux

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        String[] command = args.length > 1 ? new String[] {args[1]} : new String[] {"/bin/sh", "-c", "true"};
        Path root = Files.createTempDirectory("spawn-floor");
        try {
            for (int round = 1; round <= 2; round++) { // the first round compiles; the second is the figure
                double cpu0 = cpuSeconds();
                long t0 = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    Path dir = Files.createDirectory(root.resolve("job-" + round + "-" + i));
                    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
                    pb.environment().clear();
                    pb.environment().put("PATH", "/usr/bin:/bin");
                    pb.environment().put("HOME", dir.toString());
                    pb.environment().put("HODEI_JOB_ID", "floor-" + i);
                    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                    Process p = pb.start();
                    p.getInputStream().readAllBytes();
                    p.getErrorStream().readAllBytes();
                    if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", command) + " failed");
                    Files.delete(dir);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                double cpu = cpuSeconds() - cpu0;
                System.out.printf("round %d: %d spawns of %s in %.2f s, %.0f spawns/s, CPU per 1,000 %.2f s (%s)%n",
                        round, count, String.join(" ", command), seconds, count / seconds, cpu * 1000 / count,
                        System.getProperty("jdk.lang.Process.launchMechanism", "POSIX_SPAWN"));
            }
        } finally {
            try (Stream<Path> left = Files.walk(root)) {
                left.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** utime + stime of this JVM and of its reaped children, from /proc/self/stat. */
    private static double cpuSeconds() throws Exception {
        String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields 14-17 of the line; f[0] is field 3
        return (Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14])) / TICKS;
    }
}
