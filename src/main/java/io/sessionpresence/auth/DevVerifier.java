package io.sessionpresence.auth;

import java.util.Optional;

/**
 * {@code Bearer dev:<user_id>} names any user: for a first run and local development only. The
 * service logs a loud warning at startup when this mode is on. The user id must be ASCII (an
 * HTTP header's bytes beyond it do not arrive as sent): a name such as {@code dev:éa} is refused.
 */
public final class DevVerifier implements IdentityVerifier {
    private static final String PREFIX = "dev:";

    @Override
    public Optional<String> verify(String bearerToken) {
        if (bearerToken == null || !bearerToken.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String user = bearerToken.substring(PREFIX.length());
        // Header values reach us with every non-ASCII byte as U+FFFD: "dev:éa" and "dev:èa" would
        // both be the user "\uFFFD\uFFFDa".
        return IdentityVerifier.isValidUserId(user) && user.indexOf('\uFFFD') < 0 ? Optional.of(user) : Optional.empty();
    }

    @Override
    public String mode() {
        return "dev";
    }
}
