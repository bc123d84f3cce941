package dev.hodei.providers;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/** The configured providers, by name. */
@Component
public class Providers {

    private final Map<String, WorkerProvider> byName = new TreeMap<>();

    public Providers(List<WorkerProvider> providers) {
        providers.forEach(p -> byName.put(p.name(), p));
    }

    public Set<String> names() {
        return byName.keySet();
    }

    public boolean exists(String name) {
        return byName.containsKey(name);
    }

    public WorkerProvider get(String name) {
        WorkerProvider p = byName.get(name);
        if (p == null) throw new IllegalArgumentException("unknown provider '" + name + "' (known: " + names() + ")");
        return p;
    }

    public Iterable<WorkerProvider> all() {
        return byName.values();
    }
}
