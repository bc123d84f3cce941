package dev.hodei.standalone;

import dev.hodei.cli.HodeiCli;
import java.util.List;
import picocli.CommandLine;

/** The server jar's {@code hodei}: every client command, and the ones that run a control plane in this JVM. */
public final class HodeiMain {

    private HodeiMain() {}

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return HodeiCli.commandLine(List.of(new CommandLine(new ServerCommand()), new CommandLine(new DemoCommand()),
                new CommandLine(new BenchCommand()), new CommandLine(new TlsCommands())));
    }
}
