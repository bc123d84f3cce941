package dev.hodei.agent;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Replaces secret values by {@code ***} in one output stream. A value split across two reads is
 * still caught: bytes that could be the start of a secret are held back until the next read shows
 * whether they are (or until the stream ends).
 */
final class Redaction {

    static final byte[] MASK = "***".getBytes(StandardCharsets.UTF_8);

    private final byte[][] secrets;
    private byte[] carry = new byte[0];

    Redaction(List<String> values) {
        this.secrets = values.stream().filter(v -> !v.isEmpty())
                .map(v -> v.getBytes(StandardCharsets.UTF_8))
                .sorted(Comparator.comparingInt((byte[] b) -> b.length).reversed())
                .toArray(byte[][]::new);
    }

    boolean active() {
        return secrets.length > 0;
    }

    /** What can be sent of what was held plus {@code data[0..n)}; may be empty. */
    byte[] apply(byte[] data, int n) {
        return scan(data, n, false);
    }

    /** The bytes held back, masked, once the stream has ended (no secret can complete them now). */
    byte[] finish() {
        return scan(new byte[0], 0, true);
    }

    private byte[] scan(byte[] data, int n, boolean last) {
        byte[] in = new byte[carry.length + n];
        System.arraycopy(carry, 0, in, 0, carry.length);
        System.arraycopy(data, 0, in, carry.length, n);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        int i = 0;
        scan:
        while (i < in.length) {
            for (byte[] s : secrets) {
                int match = matchAt(in, i, s);
                if (match == s.length) {
                    out.writeBytes(MASK);
                    i += s.length;
                    continue scan;
                }
                if (!last && match == in.length - i) { // the input ends inside what may be this secret
                    carry = Arrays.copyOfRange(in, i, in.length);
                    return out.toByteArray();
                }
            }
            out.write(in[i++]);
        }
        carry = new byte[0];
        return out.toByteArray();
    }

    /** How many bytes of {@code s} match {@code in} from {@code at} (stopping at a difference or the end). */
    private static int matchAt(byte[] in, int at, byte[] s) {
        int k = 0;
        while (k < s.length && at + k < in.length && in[at + k] == s[k]) k++;
        return k < s.length && at + k < in.length ? -1 : k;
    }
}
