package dev.hodei.cli;

import hodei.v1.GetQueueRequest;
import hodei.v1.ProviderQueue;
import hodei.v1.Queue;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code hodei queue}: each provider's capacity, what its admitted jobs and idle warm workers hold, and who waits. */
@Command(footerHeading = "%nExamples:%n", footer = {"  # Capacity used and free per provider, and who waits", "  hodei queue", "  # For a script", "  hodei queue -o json"},
        name = "queue", description = "Show each provider's capacity, what is in use, and the jobs waiting for it.")
class QueueCommand implements Callable<Integer> {

    @Mixin ServerAddress server;
    @Mixin OutputFormat output;

    @Override
    public Integer call() {
        Queue q = JobCommands.withJobs(server, jobs -> jobs.getQueue(GetQueueRequest.getDefaultInstance()));
        if (output.printed(q)) return 0;
        System.out.printf("%-14s %-16s %-22s %-12s %-9s %-6s %s%n", "PROVIDER", "CPU", "MEMORY (MiB)", "WORKERS",
                "STARTING", "WARM", "WAITING");
        for (ProviderQueue p : q.getProvidersList()) {
            System.out.printf("%-14s %-16s %-22s %-12s %-9s %-6d %d%n", p.getProvider(),
                    of(cores(p.getCpuInUse()), p.getCpuCapacity() == 0 ? "" : cores(p.getCpuCapacity())),
                    of(Long.toString(p.getMemoryMbInUse()), p.getMemoryMbCapacity() == 0 ? "" : Long.toString(p.getMemoryMbCapacity())),
                    of(Integer.toString(p.getAdmitted() + p.getWarmIdle()),
                            p.getWorkersCapacity() == 0 ? "" : Integer.toString(p.getWorkersCapacity())),
                    of(Integer.toString(p.getStarting()),
                            p.getStartingCapacity() == 0 ? "" : Integer.toString(p.getStartingCapacity())),
                    p.getWarmIdle(), p.getWaiting());
        }
        return 0;
    }

    /** "1.5/2", or "1.5/-" when the provider sets no limit. */
    private static String of(String used, String total) {
        return used + "/" + (total.isEmpty() ? "-" : total);
    }


    /** "2", "1.5", "0.33": as the server words capacity (this jar has none of the server's classes). */
    private static String cores(double cpu) {
        return java.math.BigDecimal.valueOf(cpu).setScale(2, java.math.RoundingMode.HALF_UP).stripTrailingZeros()
                .toPlainString();
    }
}
