package dev.hodei.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(footerHeading = "%nExamples:%n", footer = {"  # A context for a shared control plane, its token kept in a file", "  hodei config set-context prod --server hodei:50051 --token-file prod.token", "  # With the CA of its certificate, and made the current context", "  hodei config set-context prod --server hodei:50051 --ca-file ca.pem --use"},
        name = "config", description = "The CLI's contexts in ~/.hodei/config.yaml (or HODEI_CONFIG): server, token, CA.")
class ConfigCommands {

    /** Its commands: built by {@link HodeiCli#commandLine} only when a call names them. */
    static final List<Class<?>> COMMANDS = List.of(
            ConfigCommands.SetContext.class, ConfigCommands.UseContext.class, ConfigCommands.GetContexts.class);

    @Command(footerHeading = "%nExamples:%n", footer = {"  # A context for a shared control plane, its token kept in a file", "  hodei config set-context prod --server hodei:50051 --token-file prod.token", "  # With the CA of its certificate, and made the current context", "  hodei config set-context prod --server hodei:50051 --ca-file ca.pem --use"},
        name = "set-context", description = "Create or replace a context.")
    static class SetContext implements Callable<Integer> {
        @Parameters(paramLabel = "NAME") String name;
        @Option(names = "--server", required = true, paramLabel = "HOST:PORT") String server;
        @Option(names = "--token-file", description = "A file holding the token (kept out of the config)") String tokenFile;
        @Option(names = "--token", description = "The token itself (stored in the 0600 config file)") String token;
        @Option(names = "--ca-file") String caFile;
        @Option(names = "--client-cert") String clientCert;
        @Option(names = "--client-key") String clientKey;
        @Option(names = {"-N", "--namespace"}, description = "Namespace of requests that name none") String namespace;
        @Option(names = "--use", description = "Make it the current context") boolean use;

        @Override
        public Integer call() throws Exception {
            ClientConfig config = ClientConfig.load();
            ClientConfig.Context c = new ClientConfig.Context();
            c.name = name;
            c.server = server;
            c.token = token;
            c.tokenFile = tokenFile;
            c.caFile = caFile;
            c.clientCert = clientCert;
            c.clientKey = clientKey;
            c.namespace = namespace;
            config.put(c);
            if (use || config.currentContext == null) config.currentContext = name;
            config.save();
            System.out.println("context " + name + " saved in " + ClientConfig.path()
                    + (name.equals(config.currentContext) ? " (current)" : ""));
            return 0;
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  hodei config use-context prod"},
        name = "use-context", description = "Make a context the current one.")
    static class UseContext implements Callable<Integer> {
        @Parameters(paramLabel = "NAME") String name;

        @Override
        public Integer call() throws Exception {
            ClientConfig config = ClientConfig.load();
            config.context(name);
            config.currentContext = name;
            config.save();
            System.out.println("current context: " + name);
            return 0;
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  hodei config get-contexts"},
        name = "get-contexts", description = "List the contexts (never their tokens).")
    static class GetContexts implements Callable<Integer> {
        @Override
        public Integer call() {
            ClientConfig config = ClientConfig.load();
            System.out.printf("%-2s %-20s %-32s %-10s %s%n", "", "NAME", "SERVER", "TLS", "NAMESPACE");
            for (ClientConfig.Context c : config.contexts) {
                System.out.printf("%-2s %-20s %-32s %-10s %s%n", c.name.equals(config.currentContext) ? "*" : "",
                        c.name, c.server, c.caFile != null ? "ca-file" : ServerAddress.isLocal(c.server) ? "no" : "system CAs", c.namespace == null ? "" : c.namespace);
            }
            return 0;
        }
    }
}
