package dev.hodei.lifecycle;

import dev.hodei.jobs.AttemptFailure;
import dev.hodei.jobs.Failure;
import dev.hodei.jobs.JobRecord;
import dev.hodei.jobs.JobStore;
import dev.hodei.jobs.JobTransitions;
import dev.hodei.providers.Providers;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
    private final JobTransitions transitions;

    public ProviderPolicy(Providers providers, JobStore jobs, JobTransitions transitions) {
        this.providers = providers;
        this.jobs = jobs;
        this.transitions = transitions;
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
            transitions.fail(new AttemptFailure(job.id(), job.attempt(),
                    Failure.PROVIDER_POLICY.because("the policy chose " + providers.refusal(chosen))));
            return null;
        }
        jobs.reassignProvider(job.id(), chosen);
        log.info("Provider policy sent job {} to {}", job.id(), chosen);
        return chosen;
    }
}
