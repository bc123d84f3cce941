package dev.hodei.cli;

import hodei.v1.GetJobRequest;
import hodei.v1.Job;
import hodei.v1.JobServiceGrpc;
import hodei.v1.JobSpec;
import hodei.v1.JobState;
import hodei.v1.ListJobsRequest;
import hodei.v1.SubmitJobRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code hodei bench --burst N}: N trivial jobs submitted at once (8 client threads), then waited
 * for. While they run, one probe calls GetJob and ListJobs every 100 ms and the machine's 1-minute
 * load average is read every second. Reports every job's end state, wall time and jobs/s, the
 * probes' latencies and the highest load seen.
 */
final class BurstBench {

    private BurstBench() {}

    static int run(JobServiceGrpc.JobServiceBlockingStub jobs, int count, String provider, String command)
            throws Exception {
        List<Double> submitCalls = Collections.synchronizedList(new ArrayList<>());
        List<Double> getCalls = Collections.synchronizedList(new ArrayList<>());
        List<Double> listCalls = Collections.synchronizedList(new ArrayList<>());
        List<Double> loads = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(8);
        ExecutorService watchers = Executors.newFixedThreadPool(2);
        Instant start = Instant.now();
        try {
            List<Future<String>> submitted = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                submitted.add(clients.submit(() -> {
                    long t0 = System.nanoTime();
                    String id = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(JobSpec.newBuilder()
                            .setShell(command).setProvider(provider).setName("burst-" + n).putLabels("bench", "burst"))
                            .build()).getJob().getId();
                    submitCalls.add((System.nanoTime() - t0) / 1e9);
                    return id;
                }));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> f : submitted) ids.add(f.get());
            String probeId = ids.get(0);
            watchers.submit(() -> {
                while (running.get()) {
                    getCalls.add(timed(() -> jobs.getJob(GetJobRequest.newBuilder().setId(probeId).build())));
                    listCalls.add(timed(() -> jobs.listJobs(ListJobsRequest.newBuilder().setPageSize(50).build())));
                    pause(100);
                }
            });
            watchers.submit(() -> {
                while (running.get()) {
                    loadAverage().ifPresent(loads::add);
                    pause(1000);
                }
            });
            int failed = 0;
            Instant lastEnd = start;
            for (String id : ids) {
                Job done = awaitEnd(jobs, id);
                if (done.getState() != JobState.JOB_STATE_SUCCEEDED) failed++;
                Instant end = JobOutput.instant(done.getFinishedAt());
                if (end.isAfter(lastEnd)) lastEnd = end;
            }
            running.set(false);
            double wall = Duration.between(start, lastEnd).toNanos() / 1e9;
            System.out.printf("hodei bench --burst: %d jobs submitted at once, provider %s, command '%s', %d not SUCCEEDED%n",
                    count, provider, command, failed);
            System.out.printf("first submit -> last finished: %.1f s, %.2f jobs/s; %d cores here%n", wall, count / wall,
                    Runtime.getRuntime().availableProcessors());
            System.out.printf("%-32s %8s %8s %8s %8s%n", "", "median", "p99", "min", "max");
            row("SubmitJob during the burst", submitCalls);
            row("GetJob during the burst", getCalls);
            row("ListJobs during the burst", listCalls);
            System.out.printf("highest 1-minute load average: %s%n",
                    loads.isEmpty() ? "n/a" : String.format("%.2f", loads.stream().mapToDouble(d -> d).max().orElse(0)));
            return failed == 0 ? 0 : 1;
        } finally {
            running.set(false);
            clients.shutdownNow();
            watchers.shutdownNow();
            watchers.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static Job awaitEnd(JobServiceGrpc.JobServiceBlockingStub jobs, String id) {
        while (true) {
            Job j = jobs.getJob(GetJobRequest.newBuilder().setId(id).build());
            if (j.hasFinishedAt()) return j;
            pause(200);
        }
    }

    private static double timed(Runnable call) {
        long t0 = System.nanoTime();
        call.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static java.util.Optional<Double> loadAverage() {
        try {
            return java.util.Optional.of(Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]));
        } catch (Exception e) {
            return java.util.Optional.empty();
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void row(String name, List<Double> values) {
        List<Double> sorted;
        synchronized (values) {
            sorted = values.stream().sorted().toList();
        }
        if (sorted.isEmpty()) {
            System.out.printf("%-32s %8s%n", name, "n/a");
            return;
        }
        System.out.printf("%-32s %7.3fs %7.3fs %7.3fs %7.3fs%n", name, BenchCommand.percentile(sorted, 50),
                BenchCommand.percentile(sorted, 99), sorted.get(0), sorted.get(sorted.size() - 1));
    }
}
