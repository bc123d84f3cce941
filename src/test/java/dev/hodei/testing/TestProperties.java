package dev.hodei.testing;

import dev.hodei.server.HodeiProperties;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** {@link HodeiProperties} with its defaults, bound without an application context (unit tests). */
public final class TestProperties {

    private TestProperties() {}

    /** The defaults, with {@code overrides} given as properties ({@code "hodei.home" -> "/tmp/x"}). */
    public static HodeiProperties with(Map<String, String> overrides) {
        return new Binder(new MapConfigurationPropertySource(overrides)).bindOrCreate("hodei", HodeiProperties.class);
    }

    public static HodeiProperties defaults() {
        return with(Map.of());
    }
}
