package io.sessionpresence.auth;

import java.net.MalformedURLException;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.sessionpresence.config.InvalidConfigException;

/**
 * Signed JWT identity tokens (nimbus-jose-jwt): RS256/ES256 against a JWKS URL (cached; an unknown
 * {@code kid} triggers a rate-limited refetch), or HS256 with a shared secret. Checks signature,
 * {@code exp} (and {@code nbf}) with clock skew, {@code iss} when configured, {@code aud} when
 * configured (it must contain the configured audience: a token issued for another application of
 * the same identity provider is refused), {@code sub} present, and {@code azp} against the allowed
 * list when one is configured. The user id is {@code sub}.
 */
public final class JwtVerifier implements IdentityVerifier {
    private final String mode;
    private final DefaultJWTProcessor<SecurityContext> processor;
    private final Set<String> authorizedParties;

    private JwtVerifier(String mode, JWKSource<SecurityContext> keys, Set<JWSAlgorithm> algorithms,
                        IdentitySettings settings) {
        this.mode = mode;
        this.authorizedParties = Set.copyOf(settings.authorizedParties());
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (!settings.issuer().isEmpty()) {
            exact.issuer(settings.issuer());
        }
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                settings.audience().isEmpty() ? null : settings.audience(),
                exact.build(), new HashSet<>(List.of("sub", "exp")));
        claims.setMaxClockSkew(settings.clockSkewSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    public static JwtVerifier jwks(IdentitySettings settings) {
        try {
            JWKSource<SecurityContext> keys = JWKSourceBuilder
                    .<SecurityContext>create(URI.create(settings.jwksUrl()).toURL())
                    .retrying(true)
                    .build();
            return new JwtVerifier("jwks", keys, Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), settings);
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new InvalidConfigException("identity.jwks-url", "not a URL: " + settings.jwksUrl());
        }
    }

    public static JwtVerifier hs256(IdentitySettings settings) {
        byte[] secret = settings.hs256Secret().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (secret.length < 32) {
            throw new InvalidConfigException("identity.hs256-secret", "must be at least 32 bytes");
        }
        return new JwtVerifier("hs256", new ImmutableSecret<>(secret), Set.of(JWSAlgorithm.HS256), settings);
    }

    @Override
    public Optional<String> verify(String bearerToken) {
        if (bearerToken == null || bearerToken.length() > 16_384) {
            return Optional.empty();
        }
        try {
            JWTClaimsSet claims = processor.process(bearerToken, null);
            if (!authorizedParties.isEmpty() && !authorizedParties.contains(claims.getStringClaim("azp"))) {
                return Optional.empty();
            }
            String subject = claims.getSubject();
            return IdentityVerifier.isValidUserId(subject) ? Optional.of(subject) : Optional.empty();
        } catch (java.text.ParseException | BadJOSEException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public String mode() {
        return mode;
    }
}
