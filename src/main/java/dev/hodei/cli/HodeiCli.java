package dev.hodei.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code hodei}: the control plane and its client in one command. */
@Command(name = "hodei", mixinStandardHelpOptions = true, version = "hodei 0.1.0",
        description = "Hodei Jobs: run shell jobs on ephemeral workers.",
        subcommands = {ServerCommand.class, RunCommand.class, JobCommands.class, QueueCommand.class, TemplateCommands.class,
                ScheduleCommands.class, TokenCommands.class, TokenCommands.Audit.class,
                ConfigCommands.class, TlsCommands.class, DemoCommand.class,
                BenchCommand.class, CommandLine.HelpCommand.class})
public class HodeiCli {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new HodeiCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof io.grpc.StatusRuntimeException s) {
                cmd.getErr().println("hodei: " + s.getStatus().getCode() + ": " + s.getStatus().getDescription());
                return switch (s.getStatus().getCode()) {
                    case UNAVAILABLE -> 69;
                    case UNAUTHENTICATED, PERMISSION_DENIED -> 77;
                    default -> 65;
                };
            }
            if (e instanceof IllegalArgumentException bad) { // a file or option the user gave
                cmd.getErr().println("hodei: " + bad.getMessage());
                return 64;
            }
            throw e;
        });
        return cli;
    }
}
