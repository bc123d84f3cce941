package dev.hodei.standalone;

import dev.hodei.HodeiServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import picocli.CommandLine.Command;
import sun.misc.Signal;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

@Command(footerHeading = "%nExamples:%n", footer = {"  # On the default ports with the embedded database", "  hodei server", "  # Another data folder and ports", "  hodei server --home /tmp/hodei-2 --grpc-port 50061 --http-port 8090"},
        name = "server", description = "Run the control plane (embedded PostgreSQL unless HODEI_DB_URL is set).")
class ServerCommand implements Callable<Integer> {

    @Option(names = "--grpc-port", description = "gRPC port (default 50051)")
    Integer grpcPort;

    @Option(names = "--http-port", description = "HTTP port for actuator (default 8080)")
    Integer httpPort;

    @Option(names = "--home", description = "Data folder (default ~/.hodei)")
    String home;

    @Unmatched
    List<String> springArgs = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        List<String> args = new ArrayList<>(springArgs);
        if (grpcPort != null) args.add("--hodei.grpc.port=" + grpcPort);
        if (httpPort != null) args.add("--server.port=" + httpPort);
        if (home != null) args.add("--hodei.home=" + home);
        AtomicReference<ConfigurableApplicationContext> starting = new AtomicReference<>();
        StopSignal stop = new StopSignal();
        stop.handle(starting, "TERM", "INT");
        ConfigurableApplicationContext ctx = HodeiServer.start(starting::set, args.toArray(String[]::new));
        if (ctx.isActive()) org.slf4j.LoggerFactory.getLogger(StartupSummary.class).info("{}", StartupSummary.of(ctx));
        CountDownLatch closed = new CountDownLatch(1);
        ctx.addApplicationListener(e -> {
            if (e instanceof ContextClosedEvent) closed.countDown();
        });
        if (ctx.isActive()) closed.await();
        // closing began (the event comes first): returning now would exit the JVM under it
        return stop.awaitStopped();
    }

    /**
     * SIGTERM and SIGINT close the context before the JVM's shutdown hooks run: left to the JVM,
     * Spring's hook would close it beside every other hook, in no order (the embedded PostgreSQL
     * waits for it, but only so long: server.PostgresLifetime). A signal during
     * start-up closes the context once it has started (close waits for refresh). The main thread
     * exits, with 128 + signal, only once the close has finished.
     */
    private static final class StopSignal {
        private final CountDownLatch stopped = new CountDownLatch(1);
        private volatile int exitCode;

        void handle(AtomicReference<ConfigurableApplicationContext> context, String... signals) {
            for (String name : signals) {
                Signal.handle(new Signal(name), signal -> {
                    exitCode = 128 + signal.getNumber();
                    try {
                        ConfigurableApplicationContext ctx = context.get();
                        if (ctx != null) ctx.close();
                        else System.exit(exitCode); // nothing started yet
                    } finally {
                        stopped.countDown();
                    }
                });
            }
        }

        /** The exit code: 0 when the context closed for another reason than a signal. */
        int awaitStopped() throws InterruptedException {
            if (exitCode == 0) return 0;
            stopped.await();
            return exitCode;
        }
    }
}
