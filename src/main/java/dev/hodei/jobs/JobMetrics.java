package dev.hodei.jobs;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** {@code hodei_jobs_total} by the state a job entered, and {@code hodei_job_queue_depth}. */
@Component
public class JobMetrics {

    private final MeterRegistry meters;
    private final JdbcTemplate jdbc;

    public JobMetrics(MeterRegistry meters, JdbcTemplate jdbc) {
        this.meters = meters;
        this.jdbc = jdbc;
        Gauge.builder("hodei_job_queue_depth", this, JobMetrics::queueDepth)
                .description("Jobs waiting to be claimed")
                .register(meters);
    }

    @EventListener
    public void entered(JobTransitioned change) {
        meters.counter("hodei_jobs_total", "state", change.to().name()).increment();
    }

    private double queueDepth() {
        Long n = jdbc.queryForObject("SELECT count(*) FROM jobs WHERE state = 'PENDING'", Long.class);
        return n == null ? 0 : n;
    }
}
