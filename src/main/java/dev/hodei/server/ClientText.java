package dev.hodei.server;

/**
 * Client input quoted back in an error message: cut short, so a refused 3 MiB field does not come
 * back as a 3 MiB status description (which would not even fit in the response's trailers).
 */
public final class ClientText {

    static final int MAX_QUOTED = 64;
    /** Violations listed in one status; a description much past 8 KiB no longer fits a client's header limit. */
    static final int MAX_LISTED = 20;

    private ClientText() {}

    /** {@code 'text'}, or its first characters and an ellipsis. */
    public static String quote(String text) {
        return "'" + cut(text) + "'";
    }

    /** The violations joined with "; ", the first {@value #MAX_LISTED} of them and how many more. */
    public static String violations(java.util.List<String> violations) {
        if (violations.size() <= MAX_LISTED) return String.join("; ", violations);
        return String.join("; ", violations.subList(0, MAX_LISTED)) + "; and " + (violations.size() - MAX_LISTED) + " more";
    }

    /** {@code text}, or its first characters and an ellipsis. */
    public static String cut(String text) {
        return cut(text, MAX_QUOTED);
    }

    /** {@code text}, or its first {@code max} characters and an ellipsis. */
    public static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }
}
