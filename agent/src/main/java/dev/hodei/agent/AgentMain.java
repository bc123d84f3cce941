package dev.hodei.agent;

import io.grpc.ManagedChannel;
import java.util.function.Supplier;

/**
 * The worker agent: registers with its one-time token, runs the job it is given, streams its
 * output, reports the exit code, and (ephemeral) exits. No Spring, no Camel: it must start fast.
 *
 * <p>Exit codes: 0 result delivered; 2 bad environment; 3 registration refused; 4 connection lost;
 * 5 the server's certificate is not trusted (or does not name the address dialled).
 */
public final class AgentMain {

    static final String VERSION = "0.1.0";
    private static final String LAUNCH_MECHANISM = "jdk.lang.Process.launchMechanism";

    private AgentMain() {}

    public static void main(String[] args) {
        // vfork: a job's process is exec'd straight from the agent, without posix_spawn's helper
        // program in between: one exec less per job (about 2 ms of CPU, measured on a reusable
        // worker). Up to JDK 21; later JDKs are retiring the mechanism. A -D given wins.
        if (System.getProperty(LAUNCH_MECHANISM) == null && Runtime.version().feature() <= 21) {
            System.setProperty(LAUNCH_MECHANISM, "VFORK");
        }
        if (args.length > 0 && args[0].equals("--warm-up")) {
            WarmUp.run();
            return;
        }
        AgentConfig config;
        Supplier<ManagedChannel> channels;
        try {
            config = AgentConfig.fromEnvironment(System.getenv(), System.in);
            channels = ServerChannel.factory(config);
        } catch (IllegalArgumentException e) {
            System.err.println("hodei-agent: " + e.getMessage());
            System.exit(2);
            return;
        }
        int code = new AgentSession(config, channels).run();
        System.exit(code);
    }
}
