package dev.hodei.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A call builds the model of the command it names, and only the outline of the others. */
class HodeiCliTest {

    @Test
    void onlyTheCalledCommandIsBuiltWhole() {
        CommandLine cli = HodeiCli.commandLine(List.of(), new String[] {"job", "get", "-o", "json", "some-id"});
        CommandLine job = cli.getSubcommands().get("job");
        assertThat(job.getSubcommands().get("get").getCommandSpec().findOption("--output")).isNotNull();
        assertThat(job.getSubcommands().get("list").getCommandSpec().options()).isEmpty();
        assertThat(cli.getSubcommands().get("run").getCommandSpec().options()).isEmpty();
        // the outlines still carry what a group's help lists
        assertThat(job.getSubcommands().get("list").getCommandSpec().usageMessage().description())
                .containsExactly(JobCommands.ListJobs.class.getAnnotation(CommandLine.Command.class).description());
        assertThat(job.getSubcommands().keySet()).containsExactlyInAnyOrder("submit", "get", "describe", "list", "logs", "cancel");
    }

    @Test
    void theCalledCommandParsesAndHelpAndCompletionGetTheWholeTree() {
        CommandLine.ParseResult parsed = HodeiCli.commandLine(List.of(), new String[] {"job", "get", "-o", "json", "x"})
                .parseArgs("job", "get", "-o", "json", "x");
        assertThat(parsed.subcommand().subcommand().matchedOptionValue("-o", (Object) null)).isNotNull();
        for (String first : List.of("help", "completion")) {
            CommandLine cli = HodeiCli.commandLine(List.of(), new String[] {first, "job"});
            assertThat(cli.getSubcommands().get("template").getSubcommands().get("run").getCommandSpec().options())
                    .as(first).isNotEmpty();
        }
    }

    @Test
    void theCommandsThatStartTheServerJarAreOutlinedUnlessCalled() {
        assertThat(ServerJar.standIns(new String[] {"job", "get", "x"})).allSatisfy(c -> assertThat(c.getCommandSpec().positionalParameters()).isEmpty());
        List<CommandLine> called = ServerJar.standIns(new String[] {"server", "--grpc-port", "1"});
        assertThat(called).filteredOn(c -> c.getCommandName().equals("server"))
                .singleElement().satisfies(c -> assertThat(c.getCommandSpec().positionalParameters()).hasSize(1));
        assertThat(ServerJar.standIns(new String[] {"help"})).allSatisfy(c -> assertThat(c.getCommandSpec().positionalParameters()).hasSize(1));
    }
}
