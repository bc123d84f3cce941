package dev.hodei.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a file whole or not at all, with its permissions from its first byte: a temporary file
 * created with them beside it, renamed into place. Tokens, keys and passwords are never readable
 * by anyone else, not even for a moment, and a crash never leaves half a file.
 */
public final class AtomicFile {

    public static final String OWNER_ONLY = "rw-------";
    public static final String WORLD_READABLE = "rw-r--r--";

    private AtomicFile() {}

    /** Owner-only ({@code 0600}). */
    public static void writePrivate(Path file, String content) throws IOException {
        write(file, content, OWNER_ONLY);
    }

    /** {@code permissions} as {@code ls} shows them, e.g. {@code rw-r--r--}; replaces what is there. */
    public static void write(Path file, String content, String permissions) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))}
                : new FileAttribute<?>[0];
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".partial", attrs);
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
