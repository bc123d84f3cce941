package dev.hodei.integrations;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.PluginHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Loads integrators' YAML routes from {@code hodei.routes.dir} (default {@code routes/}) at
 * start-up, next to the built-in ones. Each file is loaded and started on its own: a file that
 * does not parse or whose routes fail to start is reported with its name and the reason, its
 * routes are removed, and the lifecycle starts regardless.
 */
@Component
public class IntegratorRoutes implements CamelContextConfiguration {

    /** The built-in route that claims jobs; held back until integrators' routes are loaded. */
    public static final String CLAIMER = "claim-jobs";

    private static final Logger log = LoggerFactory.getLogger(IntegratorRoutes.class);

    private final Path dir;
    private final Map<Path, List<String>> loaded = new LinkedHashMap<>();
    private final Map<Path, String> broken = new LinkedHashMap<>();

    public IntegratorRoutes(@Value("${hodei.routes.dir:routes}") String dir) {
        this.dir = Path.of(dir);
    }

    /** Files whose routes run, with their route ids. */
    public Map<Path, List<String>> loaded() {
        return Map.copyOf(loaded);
    }

    /** Files that could not be loaded or started, with the reason. */
    public Map<Path, String> broken() {
        return Map.copyOf(broken);
    }

    @Override
    public void beforeApplicationStart(CamelContext camel) {
        // nothing: integrators' routes are added once the built-in ones run (afterApplicationStart)
    }

    /**
     * Adds each file's routes to the running context, one file at a time; a file that fails is
     * removed again and reported. Then starts the claimer ({@value #CLAIMER}), so no job is
     * scheduled before an integrator's provider policy is in place.
     */
    @Override
    public void afterApplicationStart(CamelContext camel) {
        try {
            loadAll(camel);
        } finally {
            try {
                camel.getRouteController().startRoute(CLAIMER);
            } catch (Exception e) {
                log.error("Cannot start route {}: {}", CLAIMER, e.getMessage());
            }
        }
    }

    private void loadAll(CamelContext camel) {
        if (!Files.isDirectory(dir)) return;
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            log.error("Cannot read integrator routes in {}: {}", dir.toAbsolutePath(), e.getMessage());
            return;
        }
        for (Path file : files) {
            Set<String> before = camel.getRoutes().stream().map(r -> r.getRouteId()).collect(Collectors.toSet());
            try {
                Resource resource = PluginHelper.getResourceLoader(camel).resolveResource("file:" + file.toAbsolutePath());
                PluginHelper.getRoutesLoader(camel).loadRoutes(resource);
                List<String> added = camel.getRoutes().stream().map(r -> r.getRouteId())
                        .filter(id -> !before.contains(id)).toList();
                loaded.put(file, added);
                log.info("Integrator routes from {}: {}", file, added);
            } catch (Exception e) {
                removeAddedSince(camel, before);
                fail(file, e);
            }
        }
    }

    private static void removeAddedSince(CamelContext camel, Set<String> before) {
        for (String id : camel.getRoutes().stream().map(r -> r.getRouteId()).filter(id -> !before.contains(id)).toList()) {
            try {
                camel.getRouteController().stopRoute(id);
                camel.removeRoute(id);
            } catch (Exception ignored) {
                // nothing more to undo
            }
        }
    }

    private void fail(Path file, Exception e) {
        String reason = rootMessage(e);
        broken.put(file, reason);
        log.error("Integrator route file {} is broken and was not loaded: {}", file.toAbsolutePath(), reason);
    }

    private static String rootMessage(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        Throwable c = e.getCause();
        while (c != null && c != e) {
            if (c.getMessage() != null && !sb.toString().contains(c.getMessage())) sb.append(": ").append(c.getMessage());
            e = c;
            c = c.getCause();
        }
        return sb.toString();
    }
}
