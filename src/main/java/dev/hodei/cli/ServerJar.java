package dev.hodei.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Stand-ins, in the client jar, for the commands that run a control plane: each starts the server
 * jar (see {@link #jar()}) with the same arguments,
 * in the foreground, and ends with it. Their own {@code --help} is the server jar's.
 */
final class ServerJar implements Callable<Integer> {

    private static final String[][] COMMANDS = {
            {"server", "Run the control plane (embedded PostgreSQL unless HODEI_DB_URL is set)."},
            {"demo", "Start a control plane with its own data folder and run sample jobs on it."},
            {"bench", "Measure the job cycle (submit to finished) on a control plane started here."},
            {"tls", "Certificates for a control plane reachable from other machines."},
    };

    /**
     * C1 only: on this kind of machine C2 spends ~6 s of CPU compiling while the server starts, on
     * the same two cores (ready in ~5.5 s instead of ~7.7 s), and over a burst of 400 jobs the
     * control plane used half the CPU with C1 alone (docs/benchmarks.md). HODEI_SERVER_JAVA_OPTS
     * replaces it.
     */
    static final String DEFAULT_JAVA_OPTS = "-XX:TieredStopAtLevel=1";

    private final String name;
    private final PositionalParamSpec args;

    private ServerJar(String name, PositionalParamSpec args) {
        this.name = name;
        this.args = args;
    }

    static List<CommandLine> standIns() {
        return standIns(null);
    }

    /** The stand-ins for a call: the one {@code callArgs} names whole, the others as name and description. */
    static List<CommandLine> standIns(String[] callArgs) {
        List<String> called = HodeiCli.calledPath(callArgs);
        List<CommandLine> all = new ArrayList<>();
        for (String[] c : COMMANDS) {
            if (called != null && (called.isEmpty() || !called.get(0).equals(c[0]))) {
                all.add(HodeiCli.outline(c[0], c[1]));
                continue;
            }
            PositionalParamSpec args = PositionalParamSpec.builder().arity("0..*").type(String[].class)
                    .paramLabel("ARGS").description("passed on to the server jar (see hodei " + c[0] + " --help)").build();
            CommandSpec spec = CommandSpec.wrapWithoutInspection(new ServerJar(c[0], args));
            spec.name(c[0]).addPositional(args);
            spec.usageMessage().description(c[1]);
            spec.parser().unmatchedOptionsArePositionalParams(true); // --help and every option go to the server jar
            all.add(new CommandLine(spec));
        }
        return all;
    }

    @Override
    public Integer call() throws Exception {
        String[] given = args.getValue();
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        String opts = System.getenv("HODEI_SERVER_JAVA_OPTS");
        cmd.addAll(List.of((opts != null && !opts.isBlank() ? opts : DEFAULT_JAVA_OPTS).trim().split("\\s+")));
        cmd.addAll(jar());
        cmd.add(name);
        if (given != null) cmd.addAll(List.of(given));
        Process server = new ProcessBuilder(cmd).inheritIO().start();
        // SIGTERM or Ctrl-C on this process reaches the server too, and we exit only once it has stopped
        Thread stop = new Thread(() -> {
            server.destroy();
            try {
                server.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(stop);
        int exit = server.waitFor();
        Runtime.getRuntime().removeShutdownHook(stop);
        return exit;
    }

    /**
     * How to start the server jar: {@code HODEI_SERVER_JAR}; else the build's fast layout beside
     * this jar ({@code server/hodei.jar}, extracted, with its class archive); else {@code hodei.jar}.
     */
    private static List<String> jar() {
        String env = System.getenv("HODEI_SERVER_JAR");
        if (env != null && !env.isBlank()) return List.of("-jar", env);
        try {
            Path self = Path.of(ServerJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path archive = self.resolveSibling("server").resolve("hodei.jsa");
            if (Files.isRegularFile(archive)) {
                return List.of("-Xshare:auto", "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0",
                        "-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
                        "-jar", archive.resolveSibling("hodei.jar").toString());
            }
            Path beside = self.resolveSibling("hodei.jar");
            if (Files.isRegularFile(beside)) return List.of("-jar", beside.toString());
            throw new IllegalArgumentException("the server jar is not beside " + self.getFileName() + " (" + beside
                    + "); build it with ./mvnw package or set HODEI_SERVER_JAR");
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
