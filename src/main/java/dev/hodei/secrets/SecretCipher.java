package dev.hodei.secrets;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hodei.files.AtomicFile;
import dev.hodei.server.HodeiProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Encrypts secret parameter values (AES-256-GCM) before they reach the database, and decrypts
 * them at dispatch. Each ciphertext is bound to the row it is stored in (GCM associated data, see
 * {@link #forJob} and {@link #forSchedule}), so a ciphertext copied into another row does not
 * decrypt there. The key comes from {@code hodei.secrets.key} or, when that is empty, from
 * {@code <home>/secrets.key} (created owner-only on first start; refused when others can read
 * it). Control planes sharing a database must share the key.
 */
@Component
public class SecretCipher {

    private static final int NONCE_BYTES = 12;
    /**
     * First byte of a ciphertext bound to its row. Ciphertexts written before (nonce first, no
     * associated data) are still read: they are tried that way when the bound form fails.
     */
    private static final byte BOUND = 1;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final TypeReference<TreeMap<String, String>> MAP = new TypeReference<>() {};

    private final SecretKey key;
    private final ObjectMapper json;
    private final SecureRandom random = new SecureRandom();

    public SecretCipher(HodeiProperties props, ObjectMapper json) {
        this.json = json;
        this.key = props.secrets().key().isBlank() ? keyFile(props.home().resolve("secrets.key"))
                : parse(props.secrets().key(), "hodei.secrets.key");
    }

    /** The associated data of {@code jobs.secret_env} of job {@code id}. */
    public static String forJob(UUID id) {
        return "jobs.secret_env:" + id;
    }

    /** The associated data of {@code schedules.secret_parameters} of schedule {@code id}. */
    public static String forSchedule(UUID id) {
        return "schedules.secret_parameters:" + id;
    }

    /** Encrypted name→value map for the row {@code row} names, or null for an empty map. */
    public byte[] seal(Map<String, String> secrets, String row) {
        if (secrets.isEmpty()) return null;
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            c.updateAAD(row.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = c.doFinal(json.writeValueAsBytes(new TreeMap<>(secrets)));
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(BOUND).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot encrypt secret parameters", e);
        }
    }

    /** The map {@link #seal} was given for the same {@code row}; empty for null. */
    public Map<String, String> open(byte[] sealed, String row) throws SecretUnavailable {
        if (sealed == null) return Map.of();
        byte[] plain = null;
        if (sealed.length > 1 + NONCE_BYTES && sealed[0] == BOUND) {
            plain = decrypt(sealed, 1, row.getBytes(StandardCharsets.UTF_8));
        }
        if (plain == null && sealed.length > NONCE_BYTES) plain = decrypt(sealed, 0, null); // written before rows were bound
        if (plain == null) {
            throw new SecretUnavailable("SECRET_UNAVAILABLE: this control plane's key cannot decrypt the secret"
                    + " parameters (control planes sharing a database must share hodei.secrets.key)");
        }
        try {
            return json.readValue(plain, MAP);
        } catch (IOException e) {
            throw new SecretUnavailable("SECRET_UNAVAILABLE: the secret parameters are not readable");
        }
    }

    private byte[] decrypt(byte[] sealed, int offset, byte[] aad) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, offset, NONCE_BYTES));
            if (aad != null) c.updateAAD(aad);
            int start = offset + NONCE_BYTES;
            return c.doFinal(sealed, start, sealed.length - start);
        } catch (AEADBadTagException e) {
            return null; // another key, another row, or the other format
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM unavailable", e);
        }
    }

    /** Raised when stored secrets cannot be decrypted with this control plane's key. */
    public static final class SecretUnavailable extends Exception {
        public SecretUnavailable(String message) {
            super(message);
        }
    }

    static SecretKey keyFile(Path file) {
        try {
            if (Files.exists(file)) {
                requireOwnerOnly(file);
                return parse(Files.readString(file).trim(), file.toString());
            }
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            KeyGenerator gen = KeyGenerator.getInstance("AES");
            gen.init(256);
            SecretKey created = gen.generateKey();
            // owner-only from its first byte (never chmod-ed after), renamed into place whole
            AtomicFile.writePrivate(file, Base64.getEncoder().encodeToString(created.getEncoded()) + "\n");
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the secrets key " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // a key others could read may have been copied: refuse rather than quietly tighten it
    private static void requireOwnerOnly(Path file) throws IOException {
        if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) return;
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        Set<PosixFilePermission> others = EnumSet.noneOf(PosixFilePermission.class);
        others.addAll(perms);
        others.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE));
        if (!others.isEmpty()) {
            throw new IllegalStateException(file + " can be read or changed by others ("
                    + PosixFilePermissions.toString(perms) + "): make it owner-only (chmod 600) and, if others"
                    + " may have read it, treat the secrets it protects as exposed");
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
