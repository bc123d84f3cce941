package dev.hodei.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code hodei}: the client commands. This package is the whole client artifact
 * ({@code hodei-cli.jar}): it uses only the wire contract, gRPC and picocli, never the server's
 * classes, so a command starts in a fraction of a second. The commands that run a control plane
 * here ({@code server}, {@code demo}, {@code bench}, {@code tls}) are given by the caller: the
 * server jar passes the real ones, the client jar {@link ServerJar} stand-ins that start it.
 */
@Command(footerHeading = "%nExamples:%n", footer = {"  # Run a command on a fresh worker and stream its output", "  hodei run -- 'echo hello'", "  # What ran lately, and the newest failures", "  hodei job list --state FAILED", "  # Help on one command", "  hodei help job list"},
        name = "hodei", mixinStandardHelpOptions = true, version = "hodei 0.1.0",
        description = "Hodei Jobs: run shell jobs on ephemeral workers.")
public class HodeiCli {

    static final List<Class<?>> COMMANDS = List.of(RunCommand.class, JobCommands.class, QueueCommand.class,
            TemplateCommands.class, ScheduleCommands.class, TokenCommands.class, TokenCommands.Audit.class,
            ConfigCommands.class, CompletionCommand.class);

    public static void main(String[] args) {
        System.exit(commandLine(ServerJar.standIns(), args).execute(args));
    }

    /** The whole command model, with {@code local}, the commands that run a control plane, added. */
    public static CommandLine commandLine(List<CommandLine> local) {
        return commandLine(local, null);
    }

    /**
     * The command model for one call: the command {@code args} name is built whole, the others only
     * as their name and description, which is all the root's help shows. Picocli reads every
     * option of every command by reflection when it builds a model, and that was most of a call's
     * start-up.
     */
    public static CommandLine commandLine(List<CommandLine> local, String[] args) {
        CommandLine cli = new CommandLine(new HodeiCli());
        String called = args == null ? null : calledCommand(args);
        for (Class<?> c : COMMANDS) {
            Command command = c.getAnnotation(Command.class);
            boolean whole = called == null || called.equals("help") || called.equals("completion") || called.equals(command.name());
            cli.addSubcommand(command.name(), whole ? new CommandLine(c) : outline(command));
        }
        for (CommandLine c : local) cli.addSubcommand(c.getCommandName(), c);
        cli.addSubcommand("help", new CommandLine.HelpCommand());
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

    /** The first argument that is not an option of the root, or null for none ({@code hodei --help}). */
    private static String calledCommand(String[] args) {
        for (String a : args) if (!a.startsWith("-")) return a;
        return "";
    }

    private static CommandLine outline(Command command) {
        CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.create().name(command.name());
        spec.usageMessage().description(command.description());
        return new CommandLine(spec);
    }
}
