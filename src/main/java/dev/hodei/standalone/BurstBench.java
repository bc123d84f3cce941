package dev.hodei.standalone;

import com.zaxxer.hikari.HikariDataSource;
import dev.hodei.cli.JobOutput;
import hodei.v1.GetJobRequest;
import hodei.v1.Job;
import hodei.v1.JobServiceGrpc;
import hodei.v1.JobSpec;
import hodei.v1.JobState;
import hodei.v1.ListJobsRequest;
import hodei.v1.SubmitJobRequest;
import hodei.v1.SubmitJobsRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code hodei bench --burst N}: N trivial jobs submitted at once (8 client threads), then waited
 * for. While they run, one probe calls GetJob and ListJobs every 100 ms and the machine's 1-minute
 * load average is read every second. Reports every job's end state, wall time and jobs/s, the
 * probes' latencies and the highest load seen; on the bench's own control plane also how many jobs
 * a warm worker took, the CPU spent per 1,000 jobs, and (with {@code --db-scheduler}) db-scheduler's
 * no-op tasks on the same database, as the reference.
 */
final class BurstBench {

    private BurstBench() {}

    /** The bench's own control plane: its database and data folder; with what to wait for and compare. */
    record Local(LocalControlPlane plane, Path home, int awaitWarm, boolean dbScheduler) {
        String dataDir() {
            return home.resolve("pgdata").toString();
        }
    }

    /** {@code batch}: jobs per SubmitJobs call (0: one SubmitJob call per job). */
    static int run(JobServiceGrpc.JobServiceBlockingStub jobs, int count, String provider, String command, Local local,
                   int batch) throws Exception {
        if (local != null) awaitStarted(local);
        ProcessCpu cpuBefore = local == null ? null : ProcessCpu.now(local.dataDir());
        List<Double> submitCalls = Collections.synchronizedList(new ArrayList<>());
        List<Probe> getCalls = Collections.synchronizedList(new ArrayList<>());
        List<Probe> listCalls = Collections.synchronizedList(new ArrayList<>());
        List<Double> loads = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(8);
        ExecutorService watchers = Executors.newFixedThreadPool(2);
        Instant start = Instant.now();
        // this burst's jobs, told apart from any other in the same database
        String run = UUID.randomUUID().toString();
        String runLabel = "{\"run\": \"" + run + "\"}";
        try {
            List<Future<List<String>>> submitted = new ArrayList<>();
            int per = Math.max(1, batch);
            for (int first = 0; first < count; first += per) {
                int from = first;
                int to = Math.min(count, first + per);
                submitted.add(clients.submit(() -> {
                    long t0 = System.nanoTime();
                    List<String> out = new ArrayList<>();
                    if (batch == 0) {
                        out.add(jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(spec(command, provider, from, run)).build())
                                .getJob().getId());
                    } else {
                        SubmitJobsRequest.Builder call = SubmitJobsRequest.newBuilder();
                        for (int n = from; n < to; n++) call.addJobs(SubmitJobRequest.newBuilder().setSpec(spec(command, provider, n, run)));
                        jobs.submitJobs(call.build()).getJobsList().forEach(r -> out.add(r.getJob().getId()));
                    }
                    submitCalls.add((System.nanoTime() - t0) / 1e9);
                    return out;
                }));
            }
            List<String> ids = new ArrayList<>();
            for (Future<List<String>> f : submitted) ids.addAll(f.get());
            String probeId = ids.get(0);
            watchers.submit(() -> {
                while (running.get()) {
                    getCalls.add(probe(() -> jobs.getJob(GetJobRequest.newBuilder().setId(probeId).build())));
                    listCalls.add(probe(() -> jobs.listJobs(ListJobsRequest.newBuilder().setPageSize(50).build())));
                    pause(100);
                }
            });
            watchers.submit(() -> {
                while (running.get()) {
                    loadAverage().ifPresent(loads::add);
                    pause(1000);
                }
            });
            Ended ended = local != null ? awaitEnds(local, runLabel) : awaitEnds(jobs, ids);
            int failed = ended.failed();
            Instant lastEnd = ended.last().isAfter(start) ? ended.last() : start;
            running.set(false);
            double wall = Duration.between(start, lastEnd).toNanos() / 1e9;
            System.out.printf("hodei bench --burst: %d jobs submitted at once, provider %s, command '%s', %d not SUCCEEDED%n",
                    count, provider, command, failed);
            System.out.printf("first submit -> last finished: %.1f s, %.2f jobs/s; %d cores here%n", wall, count / wall,
                    Runtime.getRuntime().availableProcessors());
            System.out.printf("%-32s %8s %8s %8s %8s%n", "", "median", "p99", "min", "max");
            row(batch == 0 ? "SubmitJob during the burst" : "SubmitJobs (" + batch + ") calls", submitCalls);
            // the ends are seen up to one poll late: calls made after the last job ended are not the burst's
            row("GetJob during the burst", during(getCalls, lastEnd));
            row("ListJobs during the burst", during(listCalls, lastEnd));
            System.out.printf("highest 1-minute load average: %s%n",
                    loads.isEmpty() ? "n/a" : String.format("%.2f", loads.stream().mapToDouble(d -> d).max().orElse(0)));
            if (local != null) {
                ProcessCpu cpu = ProcessCpu.now(local.dataDir()).minus(cpuBefore);
                Integer warm = local.plane().jdbc().queryForObject("""
                        SELECT count(*) FROM jobs j JOIN workers w ON w.id = j.worker_id
                        WHERE j.labels @> CAST(? AS jsonb) AND w.pool IS NOT NULL""", Integer.class, runLabel);
                System.out.printf("jobs that took a warm worker: %d of %d%n", warm, count);
                printCpu("hodei", cpu, count);
                if (local.dbScheduler()) {
                    DbSchedulerBench.Result ref = DbSchedulerBench.run(local.plane().jdbc().getDataSource(), count,
                            local.dataDir());
                    System.out.printf("db-scheduler, %d no-op tasks in this JVM on the same PostgreSQL: %.1f s, %.0f tasks/s "
                            + "(%.1fx hodei's jobs/s)%n", count, ref.seconds(), count / ref.seconds(),
                            (count / ref.seconds()) / (count / wall));
                    printCpu("db-scheduler", ref.cpu(), count);
                    ForkFloor.Result fork = ForkFloor.run(count, local.dataDir());
                    double forkCpu = fork.cpu().children() / count;
                    System.out.printf("floor of a process per job, %d `/bin/sh -c true` forked one after the other by a shell: "
                            + "%.1f s, %.0f forks/s, CPU per 1,000 %.2f s%n", count, fork.seconds(), count / fork.seconds(),
                            forkCpu * 1000);
                    // every core busy with nothing but a fork and db-scheduler's whole cycle (its JVM and PostgreSQL) per job
                    double perJob = forkCpu + (ref.cpu().self() + ref.cpu().postgres()) / count;
                    int cores = Runtime.getRuntime().availableProcessors();
                    System.out.printf("ceiling here for a fork and a db-scheduler cycle per job on %d cores: %.0f jobs/s "
                            + "(hodei at %.1f%% of it)%n", cores, cores / perJob, 100 * (count / wall) / (cores / perJob));
                }
            }
            return failed == 0 ? 0 : 1;
        } finally {
            running.set(false);
            clients.shutdownNow();
            watchers.shutdownNow();
            watchers.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static JobSpec spec(String command, String provider, int n, String run) {
        return JobSpec.newBuilder().setShell(command).setProvider(provider).setName("burst-" + n).putLabels("bench", "burst")
                .putLabels("run", run)
                .build();
    }

    /**
     * Until the pool's workers are ready and the database pool is open: each of its connections
     * costs a SCRAM handshake (PBKDF2, 4,096 rounds), which Hikari makes in the background after
     * start-up. Counted in the burst, that start-up work was a tenth of the control plane's CPU.
     */
    private static void awaitStarted(Local local) {
        HikariDataSource pool = local.plane().jdbc().getDataSource() instanceof HikariDataSource h ? h : null;
        for (int i = 0; i < 600; i++) {
            Integer ready = local.plane().jdbc().queryForObject("""
                    SELECT count(*) FROM workers
                    WHERE pool IS NOT NULL AND job_id IS NULL AND state = 'READY' AND destroyed_at IS NULL""", Integer.class);
            boolean open = pool == null || pool.getHikariPoolMXBean().getTotalConnections() >= pool.getMinimumIdle();
            if (ready != null && ready >= local.awaitWarm() && open) return;
            pause(100);
        }
        throw new IllegalStateException("fewer than " + local.awaitWarm() + " warm workers ready, or the database pool not open, after 60 s");
    }

    private static void printCpu(String who, ProcessCpu cpu, int count) {
        double per = 1000.0 / count;
        System.out.printf("%s CPU per 1,000 jobs: control plane + bench client JVM %.1f s, agents and their jobs %.1f s, "
                + "PostgreSQL %.1f s%n", who, cpu.self() * per, cpu.children() * per, cpu.postgres() * per);
    }

    /** How many of the burst's jobs did not succeed, and when the last one ended. */
    private record Ended(int failed, Instant last) {}

    /** Against a remote server: each job followed over GetJob until it ends. */
    private static Ended awaitEnds(JobServiceGrpc.JobServiceBlockingStub jobs, List<String> ids) {
        int failed = 0;
        Instant last = Instant.EPOCH;
        for (String id : ids) {
            Job j = jobs.getJob(GetJobRequest.newBuilder().setId(id).build());
            while (!j.hasFinishedAt()) {
                pause(200);
                j = jobs.getJob(GetJobRequest.newBuilder().setId(id).build());
            }
            if (j.getState() != JobState.JOB_STATE_SUCCEEDED) failed++;
            Instant end = JobOutput.instant(j.getFinishedAt());
            if (end.isAfter(last)) last = end;
        }
        return new Ended(failed, last);
    }

    /**
     * On the bench's own server, read from its database, one statement every 500 ms: following
     * each job over GetJob (a call, its authentication and three statements per job) was the
     * client's CPU counted as the system's, about a tenth of it. The end is the last finished_at,
     * so the interval does not change the figure; every 100 ms this statement alone was a tenth of
     * PostgreSQL's CPU per job. The probes still time GetJob and ListJobs during the burst.
     */
    private static Ended awaitEnds(Local local, String runLabel) {
        while (true) {
            Map<String, Object> row = local.plane().jdbc().queryForMap("""
                    SELECT count(*) FILTER (WHERE finished_at IS NULL) AS open,
                           count(*) FILTER (WHERE state <> 'SUCCEEDED') AS failed, max(finished_at) AS last
                    FROM jobs WHERE labels @> CAST(? AS jsonb)""", runLabel);
            if (((Number) row.get("open")).intValue() == 0) {
                Timestamp last = (Timestamp) row.get("last");
                return new Ended(((Number) row.get("failed")).intValue(), last == null ? Instant.EPOCH : last.toInstant());
            }
            pause(500);
        }
    }

    /** A probe's call: when it started, and how long it took in seconds. */
    private record Probe(Instant at, double seconds) {}

    private static Probe probe(Runnable call) {
        return new Probe(Instant.now(), timed(call));
    }

    private static List<Double> during(List<Probe> probes, Instant end) {
        synchronized (probes) {
            return probes.stream().filter(p -> !p.at().isAfter(end)).map(Probe::seconds).toList();
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
