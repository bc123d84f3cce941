package dev.hodei.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which servers the CLI hands the local admin token to, and speaks plaintext with: loopback literals
 * only; and a call leaves no thread of its own behind.
 */
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

    @Test
    void aCallStopsItsOwnEventLoopBeforeItReturns() {
        ServerAddress server = new ServerAddress();
        server.address = "127.0.0.1:1"; // nothing listens: the channel still gets its event loop
        server.token = "t";
        List<Thread> loop = server.call(channel -> {
            channel.getState(true); // connect: the loop's thread starts
            await().atMost(Duration.ofSeconds(10)).until(() -> !cliThreads().isEmpty());
            return cliThreads();
        });
        // stopped, not handed back to a shared loop that idles in epoll_wait: the JVM's exit waits up
        // to 300 ms for any thread still in native code
        await().atMost(Duration.ofMillis(500)).until(() -> loop.stream().noneMatch(Thread::isAlive));
    }

    private static List<Thread> cliThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("hodei-cli")).toList();
    }
}
