package dev.hodei.secrets;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hodei.server.HodeiProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Encrypts secret parameter values (AES-256-GCM) before they reach the database, and decrypts
 * them at dispatch. The key comes from {@code hodei.secrets.key} or, when that is empty, from
 * {@code <home>/secrets.key} (created, owner-only, on first start). Control planes sharing a
 * database must share the key.
 */
@Component
public class SecretCipher {

    private static final int NONCE_BYTES = 12;
    private static final TypeReference<TreeMap<String, String>> MAP = new TypeReference<>() {};

    private final SecretKey key;
    private final ObjectMapper json;
    private final SecureRandom random = new SecureRandom();

    public SecretCipher(HodeiProperties props, ObjectMapper json) {
        this.json = json;
        this.key = props.secrets().key().isBlank() ? keyFile(props.home().resolve("secrets.key"))
                : parse(props.secrets().key(), "hodei.secrets.key");
    }

    /** Encrypted name→value map, or null for an empty map. */
    public byte[] seal(Map<String, String> secrets) {
        if (secrets.isEmpty()) return null;
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            byte[] sealed = c.doFinal(json.writeValueAsBytes(new TreeMap<>(secrets)));
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot encrypt secret parameters", e);
        }
    }

    /** The map {@link #seal} was given; empty for null. */
    public Map<String, String> open(byte[] sealed) throws SecretUnavailable {
        if (sealed == null) return Map.of();
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 0, NONCE_BYTES));
            return json.readValue(c.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES), MAP);
        } catch (GeneralSecurityException | IOException e) {
            throw new SecretUnavailable("SECRET_UNAVAILABLE: this control plane's key cannot decrypt the secret"
                    + " parameters (control planes sharing a database must share hodei.secrets.key)");
        }
    }

    /** Raised when stored secrets cannot be decrypted with this control plane's key. */
    public static final class SecretUnavailable extends Exception {
        public SecretUnavailable(String message) {
            super(message);
        }
    }

    private static SecretKey keyFile(Path file) {
        try {
            if (Files.exists(file)) return parse(Files.readString(file).trim(), file.toString());
            Files.createDirectories(file.getParent());
            KeyGenerator gen = KeyGenerator.getInstance("AES");
            gen.init(256);
            SecretKey created = gen.generateKey();
            Files.writeString(file, Base64.getEncoder().encodeToString(created.getEncoded()) + "\n",
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the secrets key " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SecretKey parse(String base64, String where) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": not base64", e);
        }
        if (raw.length != 32) throw new IllegalArgumentException(where + ": must be a 256-bit (32-byte) key");
        return new SecretKeySpec(raw, "AES");
    }
}
