package dev.hodei.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Tests that start jobs as another user need root; in CI (which runs as root) its absence fails them. */
public final class RunAs {

    /** An unprivileged user every Debian system has. */
    public static final String USER = "nobody";
    public static final int UID = 65534;

    private RunAs() {}

    public static void requireRoot() {
        int uid;
        try {
            uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        if (uid == 0) return;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("run-as-user tests need root in CI; this JVM runs as uid " + uid);
        }
        Assumptions.abort("starting jobs as another user needs root; this JVM runs as uid " + uid);
    }
}
