package dev.hodei.providers;

import dev.hodei.server.HodeiProperties;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The providers this server offers, by name. Providers that withhold themselves are left out,
 * and the default provider must be among the rest: a server whose jobs could never start refuses
 * to start instead.
 */
@Component
public class Providers {

    private static final Logger log = LoggerFactory.getLogger(Providers.class);

    private final Map<String, WorkerProvider> byName = new TreeMap<>();
    private final Map<String, String> withheld = new TreeMap<>();

    public Providers(List<WorkerProvider> providers, HodeiProperties props) {
        for (WorkerProvider p : providers) {
            Optional<String> why = p.withheld();
            if (why.isPresent()) {
                withheld.put(p.name(), why.get());
                log.info("Provider '{}' is not offered: {}", p.name(), why.get());
            } else {
                byName.put(p.name(), p);
            }
        }
        String defaultProvider = props.jobs().defaultProvider();
        if (!byName.containsKey(defaultProvider)) {
            throw new IllegalStateException("hodei.jobs.default-provider (HODEI_DEFAULT_PROVIDER) is '"
                    + defaultProvider + "': " + refusal(defaultProvider) + "; make one of those the default");
        }
    }

    public Set<String> names() {
        return byName.keySet();
    }

    public boolean exists(String name) {
        return byName.containsKey(name);
    }

    /** Why a job cannot use {@code name}: unknown, or withheld and why; with the providers it can use. */
    public String refusal(String name) {
        String why = withheld.get(name);
        return (why == null ? "unknown provider '" + name + "'" : "provider '" + name + "' is not offered: " + why)
                + " (available: " + String.join(", ", names()) + ")";
    }

    public WorkerProvider get(String name) {
        WorkerProvider p = byName.get(name);
        if (p == null) throw new IllegalArgumentException(refusal(name));
        return p;
    }

    public Iterable<WorkerProvider> all() {
        return byName.values();
    }
}
