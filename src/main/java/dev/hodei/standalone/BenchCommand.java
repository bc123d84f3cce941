package dev.hodei.standalone;

import dev.hodei.cli.JobOutput;
import dev.hodei.cli.ServerAddress;
import java.util.Optional;
import hodei.v1.GetJobRequest;
import hodei.v1.Job;
import hodei.v1.JobServiceGrpc;
import hodei.v1.JobSpec;
import hodei.v1.SubmitJobRequest;
import io.grpc.ManagedChannel;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(footerHeading = "%nExamples:%n", footer = {"  # 30 jobs on a control plane of its own", "  hodei bench -n 30", "  # A burst of 1000 jobs, submitted 100 per call", "  hodei bench --burst 1000 --batch 100", "  # Against a running server", "  hodei bench -n 20 --server 127.0.0.1:50051"},
        name = "bench", description = {
        "Measure the job cycle: submit N trivial jobs one after the other and report median and p95 of",
        "submit->running and submit->finished, from the server's own timestamps, and (own control plane",
        "only) result->destroyed. With --provider docker each job is paired with a bare",
        "'docker run --rm --network host IMAGE' of 'true' and of 'java -version', the floors.",
        "Without --server it starts a control plane of its own in a temporary folder."})
class BenchCommand implements Callable<Integer> {

    @Option(names = {"-n", "--jobs"}, defaultValue = "20", description = "Jobs to run (default ${DEFAULT-VALUE})")
    int count;

    @Option(names = "--warmup", defaultValue = "2", description = "Jobs run first and not counted")
    int warmup;

    @Option(names = {"-p", "--provider"}, defaultValue = "process")
    String provider;

    @Option(names = "--command", defaultValue = "true", description = "Shell command of each job")
    String command;

    /** With --server: a running control plane instead of one of its own. */
    @picocli.CommandLine.Mixin
    ServerAddress remote;

    @Option(names = "--image", defaultValue = "hodei-agent:latest", description = "Agent image for the docker floors")
    String image;

    @Option(names = "--burst", description = "Instead: submit this many jobs at once and report throughput, "
            + "API latency during the burst and the highest load average")
    Integer burst;

    @Option(names = "--batch", defaultValue = "0", description = "With --burst: submit through SubmitJobs, this many "
            + "jobs per call (0: one SubmitJob call per job)")
    int batch;

    @Option(names = "--rounds", defaultValue = "1", description = "With --burst: run the burst this many times, one after "
            + "the other on the same control plane, and report each (the first runs while the JVMs still compile)")
    int rounds;

    @Option(names = "--await-warm", defaultValue = "0", description = "With --burst: wait until this many warm "
            + "workers are ready before submitting (a pool sized for its load)")
    int awaitWarm;

    @Option(names = "--db-scheduler", description = "With --burst, own control plane: then run as many db-scheduler "
            + "no-op tasks in this JVM on the same PostgreSQL, the reference, and as many forks of /bin/sh -c true by "
            + "one shell, the floor of a process per job")
    boolean dbScheduler;

    @Option(names = "--queue-depths", split = ",", description = "Instead: time admission rounds with this many "
            + "PENDING jobs waiting, e.g. 1000,100000,1000000 (own control plane)")
    List<Integer> queueDepths;

    @Option(names = "--warm", description = "Own control plane only: give it a warm pool of the provider and run "
            + "pairs, a job that takes a warm worker then one too big for the pool's workers (cpu 0.75), "
            + "reporting both side by side")
    boolean warm;

    @Option(names = "--server-arg", description = "A setting for the bench's own control plane, e.g. "
            + "--server-arg=--hodei.capacity.providers.process.cpu=64 (repeatable)")
    List<String> serverArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Path home = null;
        LocalControlPlane local = null;
        ManagedChannel channel;
        if (rounds < 1) throw new IllegalArgumentException("--rounds must be at least 1");
        if (rounds > 1 && burst == null) throw new IllegalArgumentException("--rounds needs --burst");
        if (warm && remote.address != null) throw new IllegalArgumentException("--warm needs the bench's own control plane");
        if (remote.address == null) {
            home = Files.createTempDirectory("hodei-bench");
            List<String> args = new ArrayList<>(serverArgs);
            if (queueDepths != null) {
                // only the bench claims: the tick is slowed to an hour; admission never runs out of room
                args.addAll(List.of("--hodei.jobs.poll-interval-ms=3600000",
                        "--hodei.capacity.providers.process.cpu=1000000",
                        "--hodei.capacity.providers.process.memory-mb=1000000000"));
            }
            if (warm) {
                args.addAll(List.of("--hodei.pools.bench.provider=" + provider, "--hodei.pools.bench.min-idle=1",
                        "--hodei.pools.bench.cpu=0.5"));
            }
            try {
                local = new LocalControlPlane(home, args);
            } catch (RuntimeException e) {
                deleteTree(home); // a server that refused to start leaves no temporary home behind
                throw e;
            }
            channel = local.channel();
        } else {
            channel = remote.open();
        }
        try {
            JobServiceGrpc.JobServiceBlockingStub jobs = JobServiceGrpc.newBlockingStub(channel);
            if (burst != null) {
                int exit = 0;
                for (int r = 1; r <= rounds; r++) {
                    if (rounds > 1) System.out.printf("%n-- round %d of %d%n", r, rounds);
                    // the references run once, after the last round
                    exit = Math.max(exit, BurstBench.run(jobs, burst, provider, command, local == null ? null
                            : new BurstBench.Local(local, home, awaitWarm, dbScheduler && r == rounds), batch));
                }
                return exit;
            }
            if (warm) return warmBeside(jobs, local);
            if (queueDepths != null) {
                if (local == null) throw new IllegalArgumentException("--queue-depths needs the bench's own control plane");
                return ClaimLatencyBench.run(local, queueDepths);
            }
            List<Double> toRunning = new ArrayList<>();
            List<Double> toFinished = new ArrayList<>();
            List<Double> toDestroyed = new ArrayList<>();
            List<Double> floorTrue = new ArrayList<>();
            List<Double> floorJava = new ArrayList<>();
            boolean docker = provider.equals("docker");
            int failed = 0;
            for (int i = 0; i < warmup + count; i++) {
                Job job = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(JobSpec.newBuilder()
                        .setShell(command).setProvider(provider).setName("bench-" + i)
                        .putLabels("bench", "true")).build()).getJob();
                JobOutput.stream(jobs, job.getId(), 1, true, OutputStream.nullOutputStream(),
                        OutputStream.nullOutputStream());
                Job done = jobs.getJob(GetJobRequest.newBuilder().setId(job.getId()).build());
                if (done.getState() != hodei.v1.JobState.JOB_STATE_SUCCEEDED) failed++;
                if (i < warmup || !done.hasStartedAt()) continue;
                toRunning.add(seconds(done.getCreatedAt(), done.getStartedAt()));
                toFinished.add(seconds(done.getCreatedAt(), done.getFinishedAt()));
                if (local != null) destroyLatency(local, done.getWorkerId()).ifPresent(toDestroyed::add);
                if (docker) {
                    floorTrue.add(time("docker", "run", "--rm", "--network", "host", "--entrypoint", "true", image));
                    floorJava.add(time("docker", "run", "--rm", "--network", "host", "--entrypoint", "java", image,
                            "-XX:SharedArchiveFile=/opt/hodei/hodei-agent.jsa", "-Xshare:auto",
                            "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0",
                            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-version"));
                }
            }
            System.out.printf("hodei bench: %d jobs (+%d warm-up), provider %s, command '%s', %d not SUCCEEDED%n",
                    count, warmup, provider, command, failed);
            System.out.printf("%-32s %8s %8s %8s %8s%n", "", "median", "p95", "min", "max");
            row("submit->running", toRunning);
            row("submit->finished", toFinished);
            if (!toDestroyed.isEmpty()) row("result->destroyed", toDestroyed);
            if (docker) {
                row("floor: docker run true", floorTrue);
                row("floor: docker run java -version", floorJava);
            }
            if (local != null) {
                long peak = java.lang.management.ManagementFactory.getMemoryPoolMXBeans().stream()
                        .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP)
                        .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
                System.out.printf("peak heap of this JVM (control plane + client): %d MiB of %d MiB max%n",
                        peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
            }
            return failed == 0 ? 0 : 1;
        } finally {
            channel.shutdownNow();
            if (local != null) local.close();
            if (home != null) deleteTree(home);
        }
    }

    /**
     * Pairs, one after the other: a job that takes a warm worker (waiting until the pool has a
     * ready one, as a pool sized for its load has), then a cold one that no warm worker fits.
     */
    private int warmBeside(JobServiceGrpc.JobServiceBlockingStub jobs, LocalControlPlane local) throws Exception {
        List<Double> warmRunning = new ArrayList<>();
        List<Double> warmFinished = new ArrayList<>();
        List<Double> coldRunning = new ArrayList<>();
        List<Double> coldFinished = new ArrayList<>();
        int failed = 0;
        int tookWarm = 0;
        for (int i = 0; i < warmup + count; i++) {
            for (int w = 0; w < 300 && readyWarmWorkers(local) == 0; w++) Thread.sleep(20);
            // as much as the pool's workers hold: a job naming no cpu counts for a whole core, which none fits
            Job hot = runOne(jobs, JobSpec.newBuilder().setShell(command).setProvider(provider).setCpu(0.5)
                    .setName("bench-warm-" + i));
            Job cold = runOne(jobs, JobSpec.newBuilder().setShell(command).setProvider(provider).setCpu(0.75)
                    .setName("bench-cold-" + i));
            for (Job j : List.of(hot, cold)) if (j.getState() != hodei.v1.JobState.JOB_STATE_SUCCEEDED) failed++;
            if (i < warmup || !hot.hasStartedAt() || !cold.hasStartedAt()) continue;
            if (isWarm(local, hot.getWorkerId())) tookWarm++;
            warmRunning.add(seconds(hot.getCreatedAt(), hot.getStartedAt()));
            warmFinished.add(seconds(hot.getCreatedAt(), hot.getFinishedAt()));
            coldRunning.add(seconds(cold.getCreatedAt(), cold.getStartedAt()));
            coldFinished.add(seconds(cold.getCreatedAt(), cold.getFinishedAt()));
        }
        System.out.printf("hodei bench --warm: %d pairs (+%d warm-up), provider %s, command '%s', %d not SUCCEEDED, "
                + "%d of %d warm jobs took a warm worker%n", count, warmup, provider, command, failed, tookWarm, count);
        System.out.printf("%-32s %8s %8s %8s %8s%n", "", "median", "p95", "min", "max");
        row("warm: submit->running", warmRunning);
        row("warm: submit->finished", warmFinished);
        row("cold: submit->running", coldRunning);
        row("cold: submit->finished", coldFinished);
        System.out.printf("cold/warm, medians: submit->running %.1fx, submit->finished %.1fx%n",
                median(coldRunning) / median(warmRunning), median(coldFinished) / median(warmFinished));
        return failed == 0 && tookWarm == count ? 0 : 1;
    }

    private static Job runOne(JobServiceGrpc.JobServiceBlockingStub jobs, JobSpec.Builder spec) {
        Job job = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(spec.putLabels("bench", "true")).build()).getJob();
        JobOutput.stream(jobs, job.getId(), 1, true, OutputStream.nullOutputStream(), OutputStream.nullOutputStream());
        return jobs.getJob(GetJobRequest.newBuilder().setId(job.getId()).build());
    }

    private static int readyWarmWorkers(LocalControlPlane local) {
        return local.jdbc().queryForObject("SELECT count(*) FROM workers WHERE pool IS NOT NULL AND job_id IS NULL "
                + "AND state = 'READY' AND destroyed_at IS NULL", Integer.class);
    }

    private static boolean isWarm(LocalControlPlane local, String workerId) {
        return !local.jdbc().queryForList("SELECT 1 FROM workers WHERE id = ?::uuid AND pool IS NOT NULL", Integer.class,
                workerId).isEmpty();
    }

    private static double median(List<Double> values) {
        return values.isEmpty() ? Double.NaN : percentile(values.stream().sorted().toList(), 50);
    }

    /** Result received (worker terminated) to resource gone, from the worker row. */
    private static Optional<Double> destroyLatency(LocalControlPlane local, String workerId) {
        for (int i = 0; i < 50; i++) { // the destroy runs right after the result; give it a moment
            List<Double> v = local.jdbc().queryForList("SELECT extract(epoch FROM destroyed_at - terminated_at)::float8 "
                    + "FROM workers WHERE id = ?::uuid AND destroyed_at IS NOT NULL", Double.class, workerId);
            if (!v.isEmpty()) return Optional.of(v.get(0));
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Optional.empty();
    }

    private static double time(String... command) throws Exception {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", command) + " failed");
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void row(String name, List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        if (sorted.isEmpty()) {
            System.out.printf("%-32s %8s%n", name, "n/a");
            return;
        }
        System.out.printf("%-32s %7.3fs %7.3fs %7.3fs %7.3fs%n", name, percentile(sorted, 50), percentile(sorted, 95),
                sorted.get(0), sorted.get(sorted.size() - 1));
    }

    static double percentile(List<Double> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    private static double seconds(com.google.protobuf.Timestamp from, com.google.protobuf.Timestamp to) {
        return Duration.between(JobOutput.instant(from), JobOutput.instant(to)).toNanos() / 1e9;
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // a temp folder left behind is harmless
        }
    }
}
