package dev.hodei.providers.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A class-data-sharing archive of the agent (JDK AppCDS) that cuts about a third off its JVM
 * start. The first agent launched without one records it as it exits; later agents map it.
 * The archive is keyed by the agent jar and the JVM, so a rebuilt jar or another JDK never
 * uses a stale one.
 */
final class AgentClassArchive {

    private static final Logger log = LoggerFactory.getLogger(AgentClassArchive.class);

    private final Path dir;
    private final AtomicBoolean recording = new AtomicBoolean();

    AgentClassArchive(Path dir) {
        this.dir = dir;
    }

    /** JVM flags for the next agent, and what to do once it has exited. */
    record Launch(List<String> flags, Runnable afterExit) {}

    Launch next(Path agentJar) {
        Path archive;
        try {
            archive = dir.resolve("hodei-agent-" + Integer.toHexString((agentJar.toRealPath() + "|"
                    + Files.getLastModifiedTime(agentJar) + "|" + Files.size(agentJar) + "|"
                    + System.getProperty("java.home") + "|" + Runtime.version()).hashCode()) + ".jsa");
        } catch (IOException e) {
            return new Launch(List.of(), () -> { });
        }
        if (Files.isRegularFile(archive)) return new Launch(List.of("-XX:SharedArchiveFile=" + archive), () -> { });
        if (!recording.compareAndSet(false, true)) return new Launch(List.of(), () -> { });
        Path partial = archive.resolveSibling(archive.getFileName() + ".partial");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            recording.set(false);
            return new Launch(List.of(), () -> { });
        }
        return new Launch(List.of("-XX:ArchiveClassesAtExit=" + partial), () -> {
            try {
                if (Files.isRegularFile(partial) && Files.size(partial) > 0) {
                    Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE);
                    log.info("Recorded the agent's class archive {}", archive);
                }
            } catch (IOException e) {
                log.debug("No agent class archive: {}", e.toString());
            } finally {
                recording.set(false);
            }
        });
    }
}
