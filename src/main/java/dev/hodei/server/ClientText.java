package dev.hodei.server;

/**
 * Client input quoted back in an error message: cut short, so a refused 3 MiB field does not come
 * back as a 3 MiB status description (which would not even fit in the response's trailers).
 */
public final class ClientText {

    static final int MAX_QUOTED = 64;

    private ClientText() {}

    /** {@code 'text'}, or its first characters and an ellipsis. */
    public static String quote(String text) {
        return "'" + cut(text) + "'";
    }

    /** {@code text}, or its first characters and an ellipsis. */
    public static String cut(String text) {
        return text.length() <= MAX_QUOTED ? text : text.substring(0, MAX_QUOTED) + "…";
    }
}
