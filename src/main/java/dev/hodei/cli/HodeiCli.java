package dev.hodei.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        shortLivedNetty();
        System.exit(commandLine(ServerJar.standIns(args), args).execute(args));
    }

    /**
     * A call lives well under a second: Netty's pooled allocator (arenas per core) and its leak
     * detector only add to its start (~15 ms). A value given with -D wins.
     */
    static void shortLivedNetty() {
        if (System.getProperty("io.grpc.netty.shaded.io.netty.allocator.type") == null) {
            System.setProperty("io.grpc.netty.shaded.io.netty.allocator.type", "unpooled");
        }
        if (System.getProperty("io.grpc.netty.shaded.io.netty.leakDetection.level") == null) {
            System.setProperty("io.grpc.netty.shaded.io.netty.leakDetection.level", "disabled");
        }
    }

    /** The whole command model, with {@code local}, the commands that run a control plane, added. */
    public static CommandLine commandLine(List<CommandLine> local) {
        return commandLine(local, null);
    }

    /** The groups of commands and what each holds. */
    static final Map<Class<?>, List<Class<?>>> GROUPS = Map.of(JobCommands.class, JobCommands.COMMANDS,
            TemplateCommands.class, TemplateCommands.COMMANDS, ScheduleCommands.class, ScheduleCommands.COMMANDS,
            TokenCommands.class, TokenCommands.COMMANDS, ConfigCommands.class, ConfigCommands.COMMANDS);

    /**
     * The command model for one call: the commands {@code args} name are built whole, the others only
     * as their name and description, which is all a group's help shows. Picocli reads every option
     * of every command by reflection when it builds a model, and that was most of a call's start-up.
     */
    public static CommandLine commandLine(List<CommandLine> local, String[] args) {
        CommandLine cli = new CommandLine(new HodeiCli());
        add(cli, COMMANDS, calledPath(args), 0);
        for (CommandLine c : local) {
            // a stand-in passes --help on to the server jar, whose command knows its own options
            if (!(c.getCommandSpec().userObject() instanceof ServerJar)) withHelp(c);
            cli.addSubcommand(c.getCommandName(), c);
        }
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

    /** Adds {@code commands} to {@code parent}: whole when {@code called} is null or names them at {@code depth}. */
    private static void add(CommandLine parent, List<Class<?>> commands, List<String> called, int depth) {
        for (Class<?> c : commands) {
            Command command = c.getAnnotation(Command.class);
            if (called != null && !(depth < called.size() && called.get(depth).equals(command.name()))) {
                parent.addSubcommand(command.name(), outline(command.name(), command.description()));
                continue;
            }
            CommandLine line = new CommandLine(c);
            withHelp(line);
            List<Class<?>> group = GROUPS.get(c);
            if (group != null) add(line, group, called, depth + 1);
            parent.addSubcommand(command.name(), line);
        }
    }

    /**
     * The command path {@code args} name (the arguments that are not options, in order), or null when
     * the whole tree is needed: {@code args} null (man pages, tests), {@code help} and {@code completion}.
     */
    static List<String> calledPath(String[] args) {
        if (args == null) return null;
        List<String> words = words(args);
        return !words.isEmpty() && (words.get(0).equals("help") || words.get(0).equals("completion")) ? null : words;
    }

    /**
     * {@code -h}/{@code --help} on a command and the subcommands it declares itself: only the root
     * has {@code --version} (a template has its own).
     */
    private static void withHelp(CommandLine command) {
        CommandLine.Model.CommandSpec spec = command.getCommandSpec();
        if (spec.findOption("--help") == null) {
            spec.addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
                    .description("Show this help message and exit.").build());
        }
        command.getSubcommands().values().forEach(HodeiCli::withHelp);
    }

    private static List<String> words(String[] args) {
        List<String> words = new ArrayList<>();
        for (String a : args) {
            if (a.equals("--")) break;
            if (!a.startsWith("-")) words.add(a);
        }
        return words;
    }

    /** A command as only its name and description: what a group's help lists. */
    static CommandLine outline(String name, String... description) {
        CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.create().name(name);
        spec.usageMessage().description(description);
        return new CommandLine(spec);
    }
}
