package dev.hodei.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The embedded PostgreSQL's {@code pg_hba.conf}. Data directories made before the password (by
 * initdb {@code -A trust}) let anyone on the machine in as superuser; {@link #requirePassword}
 * replaces such a file with SCRAM for every connection.
 */
final class PgHba {

    static final String SCRAM = """
            # Written by Hodei: every connection proves the password in <hodei.home>/db.password (SCRAM).
            # TYPE  DATABASE     USER  ADDRESS       METHOD
            local   all          all                 scram-sha-256
            host    all          all   127.0.0.1/32  scram-sha-256
            host    all          all   ::1/128       scram-sha-256
            local   replication  all                 scram-sha-256
            host    replication  all   127.0.0.1/32  scram-sha-256
            host    replication  all   ::1/128       scram-sha-256
            """;

    private PgHba() {}

    /** Whether some rule of the data directory's pg_hba.conf lets a connection in without a password. */
    static boolean trusts(Path dataDir) throws IOException {
        Path file = dataDir.resolve("pg_hba.conf");
        if (!Files.exists(file)) return false;
        return Files.readAllLines(file).stream()
                .map(line -> line.replaceFirst("#.*", "").trim())
                .filter(line -> !line.isEmpty())
                .anyMatch(line -> line.matches(".*\\s(trust|peer|ident)(\\s.*)?"));
    }

    /** Replaces pg_hba.conf by the SCRAM rules (written aside, then moved over it). */
    static void requirePassword(Path dataDir) throws IOException {
        Path partial = Files.createTempFile(dataDir, "pg_hba", ".partial",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(partial, SCRAM);
            Files.move(partial, dataDir.resolve("pg_hba.conf"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
