package dev.hodei.standalone;

import dev.hodei.tls.LocalCertificateAuthority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(footerHeading = "%nExamples:%n", footer = {"  hodei tls init --host hodei.example.com --client ci"},
        name = "tls", description = "Certificates for a control plane reachable from other machines.",
        subcommands = {TlsCommands.Init.class})
class TlsCommands {

    @Command(footerHeading = "%nExamples:%n", footer = {"  # Server certificate for a host name, and a client certificate for mTLS", "  hodei tls init --host hodei.example.com --client ci"},
        name = "init", description = {
            "Make a local CA and a server certificate (PEM) for a first real deployment, and print the",
            "settings that use them. Agents are handed ca.pem by their provider; clients pass --ca-file."})
    static class Init implements Callable<Integer> {
        @Option(names = "--dir", defaultValue = "${env:HODEI_HOME:-${sys:user.home}/.hodei}/tls",
                description = "Where to write the files (default ${DEFAULT-VALUE})")
        Path dir;

        @Option(names = "--host", required = true, paramLabel = "NAME",
                description = "A DNS name or IP address clients and agents dial (repeatable); localhost and "
                        + "127.0.0.1 are always included")
        List<String> hosts = new ArrayList<>();

        @Option(names = "--client", paramLabel = "NAME", description = "Also make a client certificate (mTLS)")
        List<String> clients = new ArrayList<>();

        @Option(names = "--days", defaultValue = "825", description = "Validity of the server certificate")
        int days;

        @Option(names = "--force", description = "Replace files already there")
        boolean force;

        @Override
        public Integer call() throws Exception {
            if (Files.exists(dir.resolve("ca-key.pem")) && !force) {
                throw new IllegalArgumentException(dir + " already holds a CA; use --force to replace it");
            }
            List<String> names = new ArrayList<>(hosts);
            for (String local : List.of("localhost", "127.0.0.1")) if (!names.contains(local)) names.add(local);
            LocalCertificateAuthority ca = LocalCertificateAuthority.create("hodei local CA", Duration.ofDays(3650));
            ca.write(dir);
            LocalCertificateAuthority.write(ca.server(names, Duration.ofDays(days)), dir, "server");
            for (String c : clients) LocalCertificateAuthority.write(ca.client(c, Duration.ofDays(days)), dir, "client-" + c);
            Path abs = dir.toAbsolutePath();
            System.out.println("Wrote " + abs + ": ca.pem, ca-key.pem (keep it offline), server.pem, server-key.pem"
                    + (clients.isEmpty() ? "" : ", client-<name>.pem and client-<name>-key.pem"));
            System.out.println("Start the server with:");
            System.out.println("  hodei server --hodei.grpc.address=0.0.0.0 --hodei.grpc.tls.cert-file=" + abs.resolve("server.pem")
                    + " --hodei.grpc.tls.key-file=" + abs.resolve("server-key.pem")
                    + " --hodei.grpc.tls.ca-file=" + abs.resolve("ca.pem"));
            System.out.println("Clients: hodei --ca-file " + abs.resolve("ca.pem") + " ... (or ca-file in ~/.hodei/config.yaml)");
            return 0;
        }
    }
}
