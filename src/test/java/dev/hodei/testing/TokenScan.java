package dev.hodei.testing;

import dev.hodei.workers.BootstrapTokens;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a text (an environment, {@code docker inspect}, a pod's JSON) holds a one-time token,
 * told by hashing every token-shaped run of characters and comparing with the stored hashes:
 * the tests never need the clear token to prove it is absent.
 */
public final class TokenScan {

    /** 32 random bytes, base64url without padding. */
    private static final Pattern TOKEN_SHAPED = Pattern.compile("(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])");

    private TokenScan() {}

    public static boolean containsTokenOf(String text, Set<String> tokenHashes) {
        Matcher m = TOKEN_SHAPED.matcher(text);
        while (m.find()) {
            if (tokenHashes.contains(BootstrapTokens.hash(m.group()))) return true;
        }
        return false;
    }
}
