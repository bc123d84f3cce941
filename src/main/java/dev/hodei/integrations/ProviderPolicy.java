package dev.hodei.integrations;

import dev.hodei.jobs.JobRecord;
import dev.hodei.jobs.JobState;
import dev.hodei.jobs.JobStore;
import dev.hodei.providers.Providers;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Route {@code schedule-job}'s provider-selection step. For a job that named no provider, the
 * route configured as {@code hodei.jobs.provider-policy} may set header {@code provider}; this
 * bean gives it what to decide on and applies (and checks) its decision.
 */
@Component
public class ProviderPolicy {

    private static final Logger log = LoggerFactory.getLogger(ProviderPolicy.class);

    private final Providers providers;
    private final JobStore jobs;
    private final NamedParameterJdbcTemplate jdbc;

    public ProviderPolicy(Providers providers, JobStore jobs, NamedParameterJdbcTemplate jdbc) {
        this.providers = providers;
        this.jobs = jobs;
        this.jdbc = jdbc;
    }

    /** Headers the policy route decides on: provider, hodeiLabels, hodeiJobName, hodeiImage, hodeiProviderRequested. */
    public void describe(Exchange exchange) {
        JobRecord job = exchange.getMessage().getBody(JobRecord.class);
        exchange.getMessage().setHeader("provider", job.provider());
        exchange.getMessage().setHeader("hodeiJobId", job.id().toString());
        exchange.getMessage().setHeader("hodeiLabels", job.spec().getLabelsMap());
        exchange.getMessage().setHeader("hodeiJobName", job.spec().getName());
        exchange.getMessage().setHeader("hodeiImage", job.spec().getImage());
        exchange.getMessage().setHeader("hodeiProviderRequested", !job.spec().getProvider().isEmpty());
    }

    /**
     * Applies the policy's choice; an unknown provider fails the job with that reason.
     *
     * @return the provider to provision on, or null when the job was failed
     */
    public String apply(JobRecord job, String chosen) {
        if (chosen == null || chosen.isBlank() || chosen.equals(job.provider())) return job.provider();
        if (!providers.exists(chosen)) {
            String why = "PROVIDER_POLICY: the policy chose " + providers.refusal(chosen);
            jobs.transition(job.id(), List.of(JobState.ASSIGNED), JobState.FAILED, why, job.attempt(),
                    "failure_reason = :why, finished_at = now()", Map.of("why", why));
            return null;
        }
        jdbc.update("UPDATE jobs SET provider = :p WHERE id = :id", Map.of("p", chosen, "id", job.id()));
        log.info("Provider policy sent job {} to {}", job.id(), chosen);
        return chosen;
    }
}
