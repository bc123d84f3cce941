package dev.hodei.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the agent finds its one-time token. Never its environment: any process of the same user
 * reads {@code /proc/<pid>/environ}, and {@code docker inspect} shows a container's. The provider
 * hands it over on standard input ({@code HODEI_OTP_SOURCE=stdin}) or in a file only the agent
 * can read ({@code HODEI_OTP_FILE}), which the agent deletes once read.
 */
final class OtpSource {

    /** A token is 43 characters; anything much longer is not one. */
    static final int MAX_BYTES = 4096;

    private OtpSource() {}

    static String read(Map<String, String> env, InputStream stdin) {
        String file = env.get("HODEI_OTP_FILE");
        if (file != null && !file.isBlank()) return fromFile(Path.of(file));
        if ("stdin".equals(env.get("HODEI_OTP_SOURCE"))) return token(stdin, "standard input");
        throw new IllegalArgumentException("no one-time token: HODEI_OTP_FILE is not set and HODEI_OTP_SOURCE is not stdin");
    }

    private static String fromFile(Path file) {
        String token;
        try (InputStream in = Files.newInputStream(file)) {
            token = token(in, "HODEI_OTP_FILE");
        } catch (IOException e) {
            throw new IllegalArgumentException("HODEI_OTP_FILE cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException | SecurityException e) {
            // a read-only mount (a Kubernetes secret volume): it goes with the pod, and the token is spent on use
        }
        return token;
    }

    private static String token(InputStream in, String where) {
        byte[] bytes;
        try {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the one-time token from " + where);
        }
        String token = new String(bytes, StandardCharsets.UTF_8).strip();
        if (bytes.length > MAX_BYTES || token.isEmpty() || token.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("no one-time token in " + where);
        }
        return token;
    }
}
