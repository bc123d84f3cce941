package dev.hodei.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the embedded database's start leaves in the temporary folder: nothing of its own. */
class EmbeddedDatabaseTest {

    @Test
    void theScriptsAStepLeavesAreRemovedAndNothingElse(@TempDir Path tmp) throws Exception {
        Path someoneElses = Files.createFile(tmp.resolve("detect_linux_distribution_1.sh"));
        Path unrelated = Files.createFile(tmp.resolve("other.sh"));
        Path[] made = new Path[2];

        EmbeddedDatabase.removeWhatItLeaves(tmp, EmbeddedDatabase.DISTRIBUTION_PROBE, () -> {
            try {
                made[0] = Files.createTempFile(tmp, "detect_linux_distribution_", ".sh");
                made[1] = Files.createFile(tmp.resolve("kept.txt"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        assertThat(made[0]).doesNotExist();
        assertThat(made[1]).exists();
        assertThat(someoneElses).as("there before the step").exists();
        assertThat(unrelated).exists();
    }
}
