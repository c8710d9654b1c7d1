package io.sessionpresence.auth;

import java.util.List;

import io.helidon.config.Config;
import io.sessionpresence.config.InvalidConfigException;
import io.sessionpresence.config.Settings;

/**
 * The {@code identity.*} keys: which {@link IdentityVerifier} checks session-creation requests.
 *
 * @param mode               dev, hs256 or jwks
 * @param hs256Secret        shared secret for hs256 (at least 32 bytes)
 * @param jwksUrl            key set URL for jwks
 * @param issuer             required {@code iss}; empty = not checked
 * @param audience           required {@code aud} value; empty = not checked
 * @param authorizedParties  accepted {@code azp} values; empty = not checked
 * @param clockSkewSeconds   tolerance on exp/nbf
 */
public record IdentitySettings(String mode, String hs256Secret, String jwksUrl, String issuer, String audience,
                               List<String> authorizedParties, int clockSkewSeconds) {

    public static IdentitySettings from(Config root) {
        IdentitySettings settings = new IdentitySettings(
                Settings.oneOf(root, "identity.mode", "dev", "hs256", "jwks"),
                Settings.string(root, "identity.hs256-secret"),
                Settings.string(root, "identity.jwks-url").trim(),
                Settings.string(root, "identity.issuer").trim(),
                Settings.string(root, "identity.audience").trim(),
                Settings.list(root, "identity.authorized-parties"),
                Settings.intValue(root, "identity.clock-skew-seconds", 0));
        if (settings.mode().equals("jwks") && settings.jwksUrl().isEmpty()) {
            throw new InvalidConfigException("identity.jwks-url", "is required when identity.mode is jwks");
        }
        return settings;
    }

    public IdentityVerifier verifier() {
        return switch (mode) {
            case "jwks" -> JwtVerifier.jwks(this);
            case "hs256" -> JwtVerifier.hs256(this);
            default -> new DevVerifier();
        };
    }
}
