package dev.hodei.auth;

import io.grpc.Status;
import java.util.regex.Pattern;

/** Namespace names: DNS labels, as in Kubernetes, so they can become labels and paths anywhere. */
public final class Namespaces {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private Namespaces() {}

    /** The namespace a request names, {@code default} when empty. */
    public static String of(String requested, String field) {
        if (requested == null || requested.isEmpty()) return Caller.DEFAULT_NAMESPACE;
        if (!NAME.matcher(requested).matches()) {
            throw Status.INVALID_ARGUMENT.withDescription(field + ": 1-63 lower-case letters, digits or '-', "
                    + "starting and ending with a letter or digit").asRuntimeException();
        }
        return requested;
    }

    static boolean valid(String name) {
        return NAME.matcher(name).matches();
    }
}
