package io.sessionpresence.auth;

import java.util.Optional;

/**
 * Decides who may create a session: turns the {@code Authorization: Bearer} identity token of
 * {@code POST /api/session/create} into a user id. Modes: {@link JwtVerifier} (JWKS or HS256) and
 * {@link DevVerifier}.
 */
public interface IdentityVerifier {

    /** The verified user id, or empty when the token is not acceptable. Never throws for bad input. */
    Optional<String> verify(String bearerToken);

    /** The mode name, for startup logs. */
    String mode();

    /** A user id we accept: 1..256 visible characters, no control characters. */
    static boolean isValidUserId(String userId) {
        return userId != null && !userId.isBlank() && userId.length() <= 256
                && userId.chars().noneMatch(Character::isISOControl);
    }
}
