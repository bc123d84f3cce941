package dev.hodei.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which servers the CLI hands the local admin token to, and speaks plaintext with: loopback literals only. */
class ServerAddressTest {

    @Test
    void onlyLoopbackLiteralsAndLocalhostAreLocal() {
        assertThat(ServerAddress.isLocal("127.0.0.1:50051")).isTrue();
        assertThat(ServerAddress.isLocal("127.3.2.1:50051")).isTrue();
        assertThat(ServerAddress.isLocal("localhost:50051")).isTrue();
        assertThat(ServerAddress.isLocal("[::1]:50051")).isTrue();
        assertThat(ServerAddress.isLocal("127.attacker.example:50051")).isFalse();
        assertThat(ServerAddress.isLocal("127.0.0.1.attacker.example:50051")).isFalse();
        assertThat(ServerAddress.isLocal("10.0.0.1:50051")).isFalse();
        assertThat(ServerAddress.isLocal("hodei.example.com:50051")).isFalse();
    }
}
