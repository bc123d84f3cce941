package dev.hodei.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hodei.testing.TestProperties;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ciphertexts bound to their row, ciphertexts from before still read, and the key file owner-only. */
class SecretCipherTest {

    private static final byte[] KEY = new byte[32];
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        for (int i = 0; i < KEY.length; i++) KEY[i] = (byte) i;
    }

    private final SecretCipher cipher = new SecretCipher(TestProperties.with(Map.of(
            "hodei.secrets.key", Base64.getEncoder().encodeToString(KEY))), JSON);

    @Test
    void aCiphertextOpensOnlyInTheRowItWasSealedFor() throws Exception {
        UUID job = UUID.randomUUID();
        byte[] sealed = cipher.seal(Map.of("TOKEN", "s3cr3t"), SecretCipher.forJob(job));
        assertThat(cipher.open(sealed, SecretCipher.forJob(job))).containsExactly(Map.entry("TOKEN", "s3cr3t"));

        // copied into another job's row, or into a schedule with the same id
        assertThatThrownBy(() -> cipher.open(sealed, SecretCipher.forJob(UUID.randomUUID())))
                .isInstanceOf(SecretCipher.SecretUnavailable.class).hasMessageStartingWith("SECRET_UNAVAILABLE")
                .hasMessageNotContaining("s3cr3t");
        assertThatThrownBy(() -> cipher.open(sealed, SecretCipher.forSchedule(job)))
                .isInstanceOf(SecretCipher.SecretUnavailable.class);
        assertThat(cipher.seal(Map.of(), SecretCipher.forJob(job))).isNull();
        assertThat(cipher.open(null, SecretCipher.forJob(job))).isEmpty();
    }

    @Test
    void ciphertextsWrittenBeforeRowBindingStillOpen() throws Exception {
        // the earlier format: nonce, then AES-GCM of the JSON map without associated data
        byte[] nonce = new byte[12];
        new java.security.SecureRandom().nextBytes(nonce);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "AES"), new GCMParameterSpec(128, nonce));
        byte[] body = c.doFinal(JSON.writeValueAsBytes(Map.of("TOKEN", "old")));
        byte[] legacy = ByteBuffer.allocate(12 + body.length).put(nonce).put(body).array();

        assertThat(cipher.open(legacy, SecretCipher.forJob(UUID.randomUUID()))).containsExactly(Map.entry("TOKEN", "old"));
        // a flipped byte is no longer either format
        legacy[legacy.length - 1] ^= 1;
        assertThatThrownBy(() -> cipher.open(legacy, SecretCipher.forJob(UUID.randomUUID())))
                .isInstanceOf(SecretCipher.SecretUnavailable.class);
    }

    @Test
    void anotherKeyCannotOpenIt() {
        byte[] other = KEY.clone();
        other[0] ^= 1;
        SecretCipher second = new SecretCipher(TestProperties.with(Map.of(
                "hodei.secrets.key", Base64.getEncoder().encodeToString(other))), JSON);
        UUID job = UUID.randomUUID();
        byte[] sealed = cipher.seal(Map.of("TOKEN", "x"), SecretCipher.forJob(job));
        assertThatThrownBy(() -> second.open(sealed, SecretCipher.forJob(job)))
                .isInstanceOf(SecretCipher.SecretUnavailable.class);
    }

    @Test
    void theKeyFileIsCreatedOwnerOnlyWithNothingLeftBeside(@TempDir Path home) throws Exception {
        SecretCipher created = new SecretCipher(TestProperties.with(Map.of("hodei.home", home.toString())), JSON);
        Path key = home.resolve("secrets.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        try (var files = Files.list(home)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("secrets.key");
        }
        assertThat(Base64.getDecoder().decode(Files.readString(key).trim())).hasSize(32);

        // the next start reads the same key
        UUID job = UUID.randomUUID();
        byte[] sealed = created.seal(Map.of("A", "b"), SecretCipher.forJob(job));
        SecretCipher restarted = new SecretCipher(TestProperties.with(Map.of("hodei.home", home.toString())), JSON);
        assertThat(restarted.open(sealed, SecretCipher.forJob(job))).containsEntry("A", "b");
    }

    @Test
    void aKeyFileOthersCanReadIsRefused(@TempDir Path home) throws Exception {
        Path key = home.resolve("secrets.key");
        Files.writeString(key, Base64.getEncoder().encodeToString(KEY) + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> new SecretCipher(TestProperties.with(Map.of("hodei.home", home.toString())), JSON))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("secrets.key can be read or changed by others (rw-r--r--)")
                .hasMessageContaining("chmod 600");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        new SecretCipher(TestProperties.with(Map.of("hodei.home", home.toString())), JSON);
    }
}
