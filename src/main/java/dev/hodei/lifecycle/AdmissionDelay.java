package dev.hodei.lifecycle;

import dev.hodei.jobs.JobRecord;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;

/** {@code hodei_job_admission_delay_seconds}: from submission to a job's first claim, by a claim round or a hand-over. */
@Component
public class AdmissionDelay {

    private final Timer timer;

    public AdmissionDelay(MeterRegistry meters) {
        this.timer = Timer.builder("hodei_job_admission_delay_seconds")
                .description("From submission to the first claim: the time a job waited for capacity")
                .publishPercentileHistogram()
                .register(meters);
    }

    /** A job just claimed: counted on its first attempt only (a retry's wait is its backoff). */
    public void claimed(JobRecord job) {
        if (job.attempt() == 1) timer.record(Duration.between(job.createdAt(), Instant.now()));
    }
}
