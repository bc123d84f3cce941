package dev.hodei.providers.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A class-data-sharing archive of the agent (JDK AppCDS) that cuts most of its JVM start. It is
 * recorded once, in the background, by the agent's own {@code --warm-up} run (the Dockerfile
 * does the same at image build); agents launched meanwhile simply start without it. The archive
 * is keyed by agent jar and JVM, so a rebuilt jar or another JDK never maps a stale one.
 */
final class AgentClassArchive {

    private static final Logger log = LoggerFactory.getLogger(AgentClassArchive.class);

    private final Path dir;
    private final AtomicBoolean recording = new AtomicBoolean();

    AgentClassArchive(Path dir) {
        this.dir = dir;
    }

    /** The JVM flags that map the archive, or none while it does not exist yet (recording starts then). */
    List<String> flags(Path java, List<String> jvmOptions, Path agentJar) {
        Path archive;
        try {
            archive = dir.resolve("hodei-agent-" + Integer.toHexString((agentJar.toRealPath() + "|"
                    + Files.getLastModifiedTime(agentJar) + "|" + Files.size(agentJar) + "|"
                    + System.getProperty("java.home") + "|" + Runtime.version()).hashCode()) + ".jsa");
        } catch (IOException e) {
            return List.of();
        }
        if (Files.isRegularFile(archive)) return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off");
        if (recording.compareAndSet(false, true)) record(java, jvmOptions, agentJar, archive);
        return List.of();
    }

    private void record(Path java, List<String> jvmOptions, Path agentJar, Path archive) {
        Path partial = archive.resolveSibling(archive.getFileName() + ".partial");
        try {
            Files.createDirectories(dir);
            List<String> command = new ArrayList<>(List.of(java.toString()));
            command.addAll(jvmOptions);
            command.addAll(List.of("-XX:ArchiveClassesAtExit=" + partial, "-Xlog:cds=off", "-jar", agentJar.toString(),
                    "--warm-up"));
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().onExit().thenRun(() -> {
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
        } catch (IOException e) {
            recording.set(false);
            log.debug("No agent class archive: {}", e.toString());
        }
    }
}
