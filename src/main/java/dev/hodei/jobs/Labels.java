package dev.hodei.jobs;

import dev.hodei.server.ClientText;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The rules a label map follows wherever one is given: a job's labels, a template's, a list filter. */
public final class Labels {

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._/-]{0,61}[A-Za-z0-9])?");
    public static final int MAX_LABELS = 64;
    public static final int MAX_VALUE = 256;

    private Labels() {}

    /** Adds a violation, prefixed by {@code field}, for each rule {@code labels} breaks. */
    public static void check(Map<String, String> labels, String field, List<String> v) {
        if (labels.size() > MAX_LABELS) {
            v.add(field + ": " + labels.size() + " labels, at most " + MAX_LABELS + " allowed");
            return; // one line, not a line per key
        }
        for (var e : labels.entrySet()) {
            if (!KEY.matcher(e.getKey()).matches()) {
                v.add(field + ": invalid key " + ClientText.quote(e.getKey())
                        + " (1-63 letters, digits, '.', '_', '/' or '-', starting and ending with a letter or digit)");
            } else if (e.getValue().length() > MAX_VALUE) {
                v.add(field + "." + e.getKey() + ": longer than " + MAX_VALUE + " characters");
            }
        }
    }
}
