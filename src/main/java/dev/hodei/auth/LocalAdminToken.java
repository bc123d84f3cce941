package dev.hodei.auth;

import dev.hodei.files.AtomicFile;
import dev.hodei.server.HodeiProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Zero friction on one machine: an admin token in {@code <home>/admin.token}, readable only by the
 * server's user, made on the first start (and again if the file or its token is gone). The CLI
 * run by that user finds it without a flag.
 */
@Component
public class LocalAdminToken {

    private static final Logger log = LoggerFactory.getLogger(LocalAdminToken.class);
    public static final String FILE = "admin.token";

    private final String secret;

    public LocalAdminToken(ApiTokens tokens, HodeiProperties props) {
        Path file = props.home().toAbsolutePath().resolve(FILE);
        String existing = read(file);
        if (existing != null && tokens.authenticate(existing).filter(t -> t.role() == Role.ADMIN).isPresent()) {
            this.secret = existing;
        } else {
            String name = name(props.home(), props.replicas().name());
            tokens.delete(name); // its file is gone or stale: nobody can use it any more
            this.secret = tokens.create(name, Role.ADMIN, Set.of(Caller.ALL_NAMESPACES), null, "hodei server")
                    .orElseThrow().secret();
            write(file, secret);
            log.info("Admin token {} written to {} (readable by this user only)", name, file);
        }
    }

    public String secret() {
        return secret;
    }

    /**
     * One per home, host and configured replica name, so control planes sharing a database each
     * keep their own — also replicas in containers, which share the host's name and one home path.
     */
    static String name(Path home, String replica) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        String where = host + ":" + home.toAbsolutePath().normalize() + (replica.isBlank() ? "" : ":" + replica);
        return "local-admin-" + ApiTokens.hash(where).substring(0, 8);
    }

    private static String read(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : null;
        } catch (IOException e) {
            return null;
        }
    }

    static void write(Path file, String content) {
        try {
            AtomicFile.writePrivate(file, content + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the admin token to " + file, e);
        }
    }
}
