package dev.hodei.cli;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.function.Function;
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

    /** Runs {@code call} on a channel to the server, closed afterwards. */
    <T> T call(Function<ManagedChannel, T> call) {
        ManagedChannel channel = open();
        try {
            return call.apply(channel);
        } finally {
            channel.shutdownNow();
        }
    }
}
