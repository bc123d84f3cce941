package dev.hodei.cli;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import picocli.CommandLine.Option;

/** The {@code --server} option every client command shares. */
class ServerAddress {

    @Option(names = {"-s", "--server"}, paramLabel = "HOST:PORT",
            defaultValue = "${env:HODEI_SERVER:-127.0.0.1:50051}",
            description = "Control plane address (env HODEI_SERVER, default ${DEFAULT-VALUE})")
    String address;

    ManagedChannel open() {
        return ManagedChannelBuilder.forTarget(address).usePlaintext().build();
    }
}
