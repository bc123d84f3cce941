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

    /** A tar of the directory and files, to extract at {@code /}. */
    ByteArrayInputStream tar() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            TarArchiveEntry dir = new TarArchiveEntry(DIR.substring(1) + "/");
            dir.setMode(040700);
            tar.putArchiveEntry(dir);
            tar.closeArchiveEntry();
            for (var f : files.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(f.getKey().substring(1));
                e.setMode(0100000 | modes.get(f.getKey()));
                e.setSize(f.getValue().length);
                tar.putArchiveEntry(e);
                tar.write(f.getValue());
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: cannot happen
        }
        return new ByteArrayInputStream(out.toByteArray());
    }

    private void add(String path, String content, int mode) {
        files.put(path, content.getBytes(StandardCharsets.UTF_8));
        modes.put(path, mode);
    }
}
