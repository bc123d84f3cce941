package dev.hodei.server;

import dev.hodei.files.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A password the server generates for itself in its home: the embedded PostgreSQL superuser's
 * ({@code db.password}) and the operator login's when none is configured ({@code operator.password}).
 * Generated on first start, readable by the owner only. It is written to a temporary file created owner-only and then
 * moved into place, so the file is never seen half-written or with wider permissions. Only the
 * holder of the home lock calls it.
 */
final class PasswordFile {

    static final String DATABASE = "db.password";
    static final String OPERATOR = "operator.password";

    private PasswordFile() {}

    /** The password file {@code name} of {@code home}, created when missing. */
    static Path ensure(Path home, String name) throws IOException {
        Path file = home.resolve(name);
        if (Files.exists(file)) return file;
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        // one line, no newline: initdb --pwfile reads the first line as it is
        AtomicFile.writePrivate(file, HexFormat.of().formatHex(random));
        return file;
    }

    static String read(Path file) throws IOException {
        String password = Files.readString(file).trim();
        if (password.isEmpty()) throw new IOException(file + " is empty");
        return password;
    }
}
