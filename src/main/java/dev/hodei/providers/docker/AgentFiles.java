package dev.hodei.providers.docker;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * What the agent reads from files in its container rather than its environment (which
 * {@code docker inspect} shows): the one-time token, 0400, and the server's CA. They are copied
 * into the created container before it starts, owned by the container's user, in a 0700
 * directory so the agent can delete the token once read.
 */
final class AgentFiles {

    static final String DIR = "/run/hodei";
    static final String OTP = DIR + "/otp";
    static final String CA = DIR + "/ca.pem";

    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final Map<String, Integer> modes = new LinkedHashMap<>();

    AgentFiles(String otp, String caPem) {
        add(OTP, otp + "\n", 0400);
        if (caPem != null) add(CA, caPem, 0444);
    }

    /** The environment that tells the agent where they are. */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HODEI_OTP_FILE", OTP);
        if (files.containsKey(CA)) env.put("HODEI_SERVER_CA_FILE", CA);
        return env;
    }

    /**
     * Who must own the files, from the container's configured user: numeric ids are written into
     * the tar as they are; null for a user name, which only the engine can resolve (copyUIDGID,
     * which in turn fails for numeric ids missing from the image's passwd, hence not used for those).
     */
    static int[] owner(String user) {
        if (user == null || user.isBlank()) return new int[] {0, 0};
        String[] parts = user.split(":", 2);
        if (!parts[0].matches("\\d+") || (parts.length == 2 && !parts[1].matches("\\d+"))) return null;
        int uid = Integer.parseInt(parts[0]);
        return new int[] {uid, parts.length == 2 ? Integer.parseInt(parts[1]) : uid};
    }

    /** A tar of the directory and files, to extract at {@code /}, owned by {@code owner} (null: left to the engine). */
    ByteArrayInputStream tar(int[] owner) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            TarArchiveEntry dir = new TarArchiveEntry(DIR.substring(1) + "/");
            dir.setMode(040700);
            own(dir, owner);
            tar.putArchiveEntry(dir);
            tar.closeArchiveEntry();
            for (var f : files.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(f.getKey().substring(1));
                e.setMode(0100000 | modes.get(f.getKey()));
                e.setSize(f.getValue().length);
                own(e, owner);
                tar.putArchiveEntry(e);
                tar.write(f.getValue());
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: cannot happen
        }
        return new ByteArrayInputStream(out.toByteArray());
    }

    private static void own(TarArchiveEntry e, int[] owner) {
        if (owner == null) return;
        e.setUserId(owner[0]);
        e.setGroupId(owner[1]);
    }

    private void add(String path, String content, int mode) {
        files.put(path, content.getBytes(StandardCharsets.UTF_8));
        modes.put(path, mode);
    }
}
