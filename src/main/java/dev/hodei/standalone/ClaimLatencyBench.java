package dev.hodei.standalone;

import dev.hodei.jobs.JobStore;
import dev.hodei.lifecycle.PendingJobs;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code hodei bench --queue-depths 1000,100000,1000000}: one admission round (advisory lock, each
 * provider's queue head, what is in use, the claim of the admitted batch) timed with that many
 * PENDING jobs waiting, inserted straight into the bench's own database. The bench's control plane
 * runs with its tick slowed to an hour, so only the bench claims; claimed jobs are left ASSIGNED.
 */
final class ClaimLatencyBench {

    static final int ROUNDS = 30;

    private ClaimLatencyBench() {}

    static int run(LocalControlPlane local, List<Integer> depths) {
        JdbcTemplate jdbc = local.jdbc();
        PendingJobs claimer = local.bean(PendingJobs.class);
        JobStore jobs = local.bean(JobStore.class);
        System.out.printf("hodei bench --queue-depths: %d admission rounds at each depth (claim batch 16)%n", ROUNDS);
        System.out.printf("%-16s %10s %10s %10s %10s %10s%n", "PENDING jobs", "insert s", "median", "p95", "min", "max");
        List<String> plan = List.of();
        for (int depth : depths) {
            jdbc.update("DELETE FROM job_events WHERE job_id IN (SELECT id FROM jobs WHERE name LIKE 'queue-bench-%')");
            jdbc.update("DELETE FROM jobs WHERE name LIKE 'queue-bench-%'");
            long t0 = System.nanoTime();
            // three priorities, ages one millisecond apart: the index order is exercised, not one run of equal keys
            jdbc.update("""
                    INSERT INTO jobs (id, namespace, submitted_by, name, spec, state, provider, priority, max_attempts,
                                      run_timeout_s, cpu_request, memory_mb_request, created_at)
                    SELECT gen_random_uuid(), 'default', 'bench', 'queue-bench-' || g, '\\x'::bytea, 'PENDING',
                           'process', g % 3, 1, 60, 0.001, 1, now() - make_interval(secs => g / 1000.0)
                    FROM generate_series(1, ?) g""", depth);
            jdbc.execute("ANALYZE jobs");
            double insert = (System.nanoTime() - t0) / 1e9;
            List<Double> rounds = new ArrayList<>();
            for (int i = 0; i < ROUNDS; i++) {
                long r0 = System.nanoTime();
                claimer.claim();
                rounds.add((System.nanoTime() - r0) / 1e9);
            }
            List<Double> sorted = rounds.stream().sorted().toList();
            System.out.printf("%-16d %9.1fs %8.2fms %8.2fms %8.2fms %8.2fms%n", depth, insert,
                    1000 * BenchCommand.percentile(sorted, 50), 1000 * BenchCommand.percentile(sorted, 95),
                    1000 * sorted.get(0), 1000 * sorted.get(sorted.size() - 1));
            plan = jobs.queueHeadsPlan(16);
        }
        System.out.println("plan of the queue-head query at the last depth:");
        plan.forEach(line -> System.out.println("  " + line));
        jdbc.update("DELETE FROM job_events WHERE job_id IN (SELECT id FROM jobs WHERE name LIKE 'queue-bench-%')");
        jdbc.update("DELETE FROM jobs WHERE name LIKE 'queue-bench-%'");
        return 0;
    }
}
