package dev.hodei.providers;

import java.lang.management.ManagementFactory;

/**
 * What a provider can hold at once: cores, memory and workers, and how many workers it may be
 * starting at once ({@code starting}: a start can cost the machine more than the job's request,
 * as a container's does). Jobs are admitted against it by what they ask for ({@code cpu},
 * {@code memory_mb}, or the server's default request).
 */
public record Capacity(double cpu, long memoryMb, int workers, int starting) {

    public static final Capacity UNLIMITED = new Capacity(Double.POSITIVE_INFINITY, Long.MAX_VALUE, Integer.MAX_VALUE);

    /** With no limit on starts. */
    public Capacity(double cpu, long memoryMb, int workers) {
        this(cpu, memoryMb, workers, Integer.MAX_VALUE);
    }

    /** This machine's cores and memory, as the JVM sees them (a container's limits included). */
    public static Capacity ofHost() {
        long bytes = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return new Capacity(Runtime.getRuntime().availableProcessors(), bytes / (1024 * 1024), Integer.MAX_VALUE);
    }

    /** Each positive setting replaces this capacity's figure; 0 keeps it. */
    public Capacity limitedTo(double cpuSetting, long memoryMbSetting, int workersSetting, int startingSetting) {
        return new Capacity(cpuSetting > 0 ? cpuSetting : cpu, memoryMbSetting > 0 ? memoryMbSetting : memoryMb,
                workersSetting > 0 ? workersSetting : workers, startingSetting > 0 ? startingSetting : starting);
    }

    /** Cores for people: "2", "1.5", "0.33". */
    public static String cores(double cpu) {
        return java.math.BigDecimal.valueOf(cpu).setScale(2, java.math.RoundingMode.HALF_UP).stripTrailingZeros()
                .toPlainString();
    }

    /** For people: "2 cpu, 15872 MiB, 8 workers, 1 starting at once", infinite figures left out. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (!Double.isInfinite(cpu)) sb.append(cores(cpu)).append(" cpu");
        if (memoryMb != Long.MAX_VALUE) sb.append(sb.isEmpty() ? "" : ", ").append(memoryMb).append(" MiB");
        if (workers != Integer.MAX_VALUE) sb.append(sb.isEmpty() ? "" : ", ").append(workers).append(" workers");
        if (starting != Integer.MAX_VALUE) sb.append(sb.isEmpty() ? "" : ", ").append(starting).append(" starting at once");
        return sb.isEmpty() ? "unlimited" : sb.toString();
    }
}
