package dev.hodei.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class ManPagesTest {

    @TempDir Path dir;

    @Test
    void everyCommandGetsAPageWithItsOptionsAndExamples() throws Exception {
        CommandLine root = HodeiMain.commandLine();
        List<Path> pages = ManPages.write(root, dir);

        List<CommandLine> commands = ManPages.commands(root);
        assertThat(pages).hasSameSizeAs(commands);
        for (CommandLine cmd : commands) {
            Path page = dir.resolve(cmd.getCommandSpec().qualifiedName("-") + ".1");
            String roff = Files.readString(page);
            assertThat(roff).as(page.getFileName().toString())
                    .startsWith(".TH " + cmd.getCommandSpec().qualifiedName("-").toUpperCase())
                    .contains(".SH NAME", ".SH SYNOPSIS", ".SH EXAMPLES");
            for (OptionSpec o : cmd.getCommandSpec().options()) {
                if (!o.hidden()) assertThat(roff).contains(o.longestName().replace("-", "\\-"));
            }
        }
        assertThat(dir.resolve("hodei-job-list.1")).exists();
        assertThat(dir.resolve("hodei-tls-init.1")).exists();
        assertThat(dir.resolve("hodei-help.1")).doesNotExist();
    }

    @Test
    void groffRendersThePagesWithoutAWarning() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/groff")), "groff is not installed");
        ManPages.write(HodeiMain.commandLine(), dir);
        try (var pages = Files.list(dir)) {
            for (Path page : pages.toList()) {
                Process groff = new ProcessBuilder("groff", "-man", "-Tutf8", "-P-cbou", "-ww", page.toString())
                        .redirectErrorStream(false).start();
                String text = new String(groff.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                String warnings = new String(groff.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(groff.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(groff.exitValue()).isZero();
                assertThat(warnings).as(page.getFileName().toString()).isEmpty();
                if (page.getFileName().toString().equals("hodei-job-list.1")) {
                    assertThat(text).contains("hodei-job-list - List jobs, newest first.", "--watch", "hodei job list -w");
                }
            }
        }
    }
}
