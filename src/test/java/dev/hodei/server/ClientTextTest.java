package dev.hodei.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Client input quoted back and violation lists stay small enough for a status description. */
class ClientTextTest {

    @Test
    void longInputIsCut() {
        assertThat(ClientText.quote("short")).isEqualTo("'short'");
        assertThat(ClientText.quote("x".repeat(3 << 20))).isEqualTo("'" + "x".repeat(64) + "…'");
    }

    @Test
    void manyViolationsAreListedUpToALimit() {
        List<String> many = IntStream.range(0, 256).mapToObj(i -> "spec.env: invalid variable name '" + i + "'").toList();
        String joined = ClientText.violations(many);
        assertThat(joined).startsWith("spec.env: invalid variable name '0'; ").endsWith("; and 236 more")
                .hasSizeLessThan(8192);
        assertThat(ClientText.violations(List.of("a", "b"))).isEqualTo("a; b");
    }
}
