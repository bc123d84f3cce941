package dev.hodei.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OtpSourceTest {

    static final InputStream NO_INPUT = InputStream.nullInputStream();

    @TempDir Path dir;

    @Test
    void readsTheTokenFromStandardInput() {
        assertThat(OtpSource.read(Map.of("HODEI_OTP_SOURCE", "stdin"), stdin("tok-123\n"))).isEqualTo("tok-123");
    }

    @Test
    void readsTheTokenFromItsFileAndDeletesTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("otp"), "tok-456\n");
        assertThat(OtpSource.read(Map.of("HODEI_OTP_FILE", file.toString()), NO_INPUT)).isEqualTo("tok-456");
        assertThat(file).doesNotExist();
    }

    @Test
    void theEnvironmentIsNoSource() {
        assertThatThrownBy(() -> OtpSource.read(Map.of("HODEI_OTP_TOKEN", "tok"), NO_INPUT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HODEI_OTP_FILE");
    }

    @Test
    void emptyOrOversizedInputIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> OtpSource.read(Map.of("HODEI_OTP_SOURCE", "stdin"), stdin("")))
                .hasMessage("no one-time token in standard input");
        String big = "x".repeat(OtpSource.MAX_BYTES + 1);
        assertThatThrownBy(() -> OtpSource.read(Map.of("HODEI_OTP_SOURCE", "stdin"), stdin(big)))
                .hasMessage("no one-time token in standard input");
        assertThatThrownBy(() -> OtpSource.read(Map.of("HODEI_OTP_FILE", dir.resolve("none").toString()), NO_INPUT))
                .hasMessageContaining("cannot be read");
    }

    private static InputStream stdin(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
