package dev.hodei.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** The docker CLI, for tests that look at the real engine. */
public final class Docker {

    public static final String AGENT_IMAGE = "hodei-agent:latest";

    private Docker() {}

    /**
     * Docker tests need a daemon and the agent image. In CI (CI=true) their absence is a failure,
     * never a silent skip; elsewhere the tests are skipped with the reason.
     */
    public static void require() {
        String problem = null;
        try {
            if (run("image", "inspect", AGENT_IMAGE).isEmpty()) problem = "image " + AGENT_IMAGE + " missing";
        } catch (IllegalStateException e) {
            problem = e.getMessage();
        }
        if (problem == null) return;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("Docker tests cannot run in CI: " + problem);
        }
        Assumptions.abort("no Docker engine or agent image (" + problem + "); run agent/build-image.sh");
    }

    /** Runs {@code docker args…} and returns stdout; throws if it fails. */
    public static String run(String... args) {
        return run(60, args);
    }

    /** The same, allowing {@code seconds} (an image build). */
    public static String run(int seconds, String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(Arrays.asList(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(seconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out.strip());
            }
            return out.strip();
        } catch (IOException e) {
            throw new IllegalStateException("docker CLI unavailable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Container IDs labelled as made by the given control plane. */
    public static List<String> managedContainers(String instanceId) {
        String out = run("ps", "-aq", "--no-trunc", "--filter", "label=hodei.managed=true",
                "--filter", "label=hodei.instance=" + instanceId);
        return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
    }

    public static void removeAll(List<String> ids) {
        for (String id : ids) {
            try {
                run("rm", "-f", id);
            } catch (IllegalStateException ignored) {
                // already gone
            }
        }
    }
}
