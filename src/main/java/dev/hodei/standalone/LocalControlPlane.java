package dev.hodei.standalone;

import dev.hodei.cli.ServerAddress;
import dev.hodei.HodeiServer;
import dev.hodei.server.GrpcServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/** A control plane started inside the CLI's JVM, on free ports, for {@code demo} and {@code bench}. */
final class LocalControlPlane implements AutoCloseable {

    private final ConfigurableApplicationContext ctx;

    LocalControlPlane(Path home, List<String> extraArgs) {
        List<String> args = new ArrayList<>(List.of(
                "--hodei.home=" + home,
                "--hodei.grpc.port=0",
                "--server.port=0"));
        // quiet unless asked otherwise: a setting given twice is bound as both values, and refused
        for (String quiet : List.of("--logging.level.root=WARN", "--logging.level.dev.hodei=WARN")) {
            String name = quiet.substring(0, quiet.indexOf('=') + 1);
            if (extraArgs.stream().noneMatch(a -> a.startsWith(name))) args.add(quiet);
        }
        args.addAll(extraArgs);
        this.ctx = HodeiServer.start(args.toArray(String[]::new));
    }

    /** The control plane's database, for measurements the API does not expose. */
    JdbcTemplate jdbc() {
        return ctx.getBean(JdbcTemplate.class);
    }

    /** A bean of the control plane, for benchmarks that time one step alone. */
    <T> T bean(Class<T> type) {
        return ctx.getBean(type);
    }

    String address() {
        return "127.0.0.1:" + ctx.getBean(GrpcServer.class).port();
    }

    /** A channel to it, with its admin token. */
    io.grpc.ManagedChannel channel() {
        return ServerAddress.open(new ServerAddress.Target(address(),
                ctx.getBean(dev.hodei.auth.LocalAdminToken.class).secret(), null, null, null, null));
    }

    @Override
    public void close() {
        ctx.close();
    }
}
