package dev.hodei.agent;

import io.grpc.ManagedChannelBuilder;
import java.util.concurrent.TimeUnit;

/**
 * The worker agent: registers with its one-time token, runs the job it is given, streams its
 * output, reports the exit code, and (ephemeral) exits. No Spring, no Camel: it must start fast.
 *
 * <p>Exit codes: 0 result delivered; 2 bad environment; 3 registration refused; 4 connection lost.
 */
public final class AgentMain {

    static final String VERSION = "0.1.0";

    private AgentMain() {}

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("--warm-up")) {
            WarmUp.run();
            return;
        }
        AgentConfig config;
        try {
            config = AgentConfig.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("hodei-agent: " + e.getMessage());
            System.exit(2);
            return;
        }
        int code = new AgentSession(config, () -> ManagedChannelBuilder.forTarget(config.serverAddress())
                .usePlaintext()
                .keepAliveTime(30, TimeUnit.SECONDS)
                .build()).run();
        System.exit(code);
    }
}
