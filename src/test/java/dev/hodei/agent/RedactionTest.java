package dev.hodei.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedactionTest {

    private static String run(Redaction r, String... reads) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String read : reads) {
            byte[] b = read.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(r.apply(b, b.length));
        }
        out.writeBytes(r.finish());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void masksEveryOccurrence() {
        assertThat(run(new Redaction(List.of("hunter2")), "pw=hunter2 again hunter2\n")).isEqualTo("pw=*** again ***\n");
    }

    @Test
    void masksASecretSplitAcrossReads() {
        assertThat(run(new Redaction(List.of("hunter2")), "pw=hun", "te", "r2 done")).isEqualTo("pw=*** done");
    }

    @Test
    void releasesHeldBytesThatTurnOutNotToBeASecret() {
        Redaction r = new Redaction(List.of("hunter2"));
        byte[] first = "say hun".getBytes(StandardCharsets.UTF_8);
        assertThat(new String(r.apply(first, first.length), StandardCharsets.UTF_8)).isEqualTo("say ");
        byte[] second = "gry".getBytes(StandardCharsets.UTF_8);
        assertThat(new String(r.apply(second, second.length), StandardCharsets.UTF_8)).isEqualTo("hungry");
        assertThat(run(new Redaction(List.of("hunter2")), "ends with hunt")).isEqualTo("ends with hunt");
    }

    @Test
    void prefersTheLongestSecretAndLeavesOtherOutputAlone() {
        assertThat(run(new Redaction(List.of("abc", "abcdef")), "xabcdefy abcz", "ab", "cd")).isEqualTo("x***y ***z***d");
        assertThat(new Redaction(List.of()).active()).isFalse();
    }
}
