package io.sessionpresence.auth;

import java.util.Optional;

/**
 * {@code Bearer dev:<user_id>} names any user: for a first run and local development only. The
 * service logs a loud warning at startup when this mode is on.
 */
public final class DevVerifier implements IdentityVerifier {
    private static final String PREFIX = "dev:";

    @Override
    public Optional<String> verify(String bearerToken) {
        if (bearerToken == null || !bearerToken.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String user = bearerToken.substring(PREFIX.length());
        return IdentityVerifier.isValidUserId(user) ? Optional.of(user) : Optional.empty();
    }

    @Override
    public String mode() {
        return "dev";
    }
}
