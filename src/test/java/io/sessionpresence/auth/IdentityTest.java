package io.sessionpresence.auth;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestService;
import io.sessionpresence.testing.TestService.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Session creation gated by signed identity tokens: JWKS (RS256/ES256) and HS256. */
class IdentityTest {
    static final String ISSUER = "https://issuer.test";
    static RSAKey rsa;
    static ECKey ec;
    static final AtomicReference<JWKSet> published = new AtomicReference<>();
    static HttpServer jwksServer;

    @BeforeAll
    static void keys() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        published.set(new JWKSet(List.<JWK>of(rsa.toPublicJWK(), ec.toPublicJWK())));
        jwksServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jwksServer.createContext("/jwks.json", exchange -> {
            byte[] body = published.get().toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jwksServer.start();
    }

    @AfterAll
    static void stopJwks() {
        jwksServer.stop(0);
    }

    static String jwt(JWSSigner signer, JWSAlgorithm alg, String kid, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    static JWTClaimsSet.Builder claims(String sub) {
        return new JWTClaimsSet.Builder().subject(sub).issuer(ISSUER)
                .expirationTime(new Date(System.currentTimeMillis() + 60_000)).issueTime(new Date());
    }

    static Response create(TestService service, String bearer) {
        return service.post("/api/session/create", "{}", "Authorization", "Bearer " + bearer);
    }

    @Test
    void jwksModeChecksSignatureIssuerExpiryAndAzp() throws Exception {
        String jwksUrl = "http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/jwks.json";
        try (TestService service = TestService.start(StoreKind.MEMORY, Map.of("identity.mode", "jwks",
                "identity.jwks-url", jwksUrl, "identity.issuer", ISSUER,
                "identity.authorized-parties", "chrome-extension://ext,https://app", "identity.clock-skew-seconds", "30"))) {
            JWSSigner rsaSigner = new RSASSASigner(rsa);
            Response ok = create(service, jwt(rsaSigner, JWSAlgorithm.RS256, "rsa-1", claims("user_rs").claim("azp", "https://app").build()));
            assertEquals(200, ok.status(), ok.body());
            assertEquals("user_rs", ok.text("user_id"));
            Response es = create(service, jwt(new ECDSASigner(ec), JWSAlgorithm.ES256, "ec-1", claims("user_es").claim("azp", "https://app").build()));
            assertEquals(200, es.status(), es.body());

            assertEquals(401, create(service, jwt(rsaSigner, JWSAlgorithm.RS256, "rsa-1",
                    claims("u").claim("azp", "https://evil").build())).status(), "azp not allowed");
            assertEquals(401, create(service, jwt(rsaSigner, JWSAlgorithm.RS256, "rsa-1",
                    claims("u").claim("azp", "https://app").issuer("https://other").build())).status(), "wrong issuer");
            assertEquals(401, create(service, jwt(rsaSigner, JWSAlgorithm.RS256, "rsa-1",
                    claims("u").claim("azp", "https://app").expirationTime(new Date(System.currentTimeMillis() - 120_000)).build())).status(),
                    "expired beyond the clock skew");
            assertEquals(200, create(service, jwt(rsaSigner, JWSAlgorithm.RS256, "rsa-1",
                    claims("skew").claim("azp", "https://app").expirationTime(new Date(System.currentTimeMillis() - 10_000)).build())).status(),
                    "expired within the clock skew");
            RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
            assertEquals(401, create(service, jwt(new RSASSASigner(stranger), JWSAlgorithm.RS256, "rsa-1",
                    claims("u").claim("azp", "https://app").build())).status(), "signed by someone else");
            assertEquals(401, create(service, "not-a-jwt").status());
            assertEquals(401, create(service, "dev:alice").status(), "dev tokens are off in jwks mode");

            RSAKey rotated = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
            published.set(new JWKSet(List.<JWK>of(rsa.toPublicJWK(), ec.toPublicJWK(), rotated.toPublicJWK())));
            Response afterRotation = create(service, jwt(new RSASSASigner(rotated), JWSAlgorithm.RS256, "rsa-2",
                    claims("rotated").claim("azp", "https://app").build()));
            assertEquals(200, afterRotation.status(), "an unknown kid refetches the key set: " + afterRotation.body());
        }
    }

    @Test
    void hs256ModeUsesTheSharedSecret() throws Exception {
        String secret = "0123456789abcdef0123456789abcdef-secret";
        try (TestService service = TestService.start(StoreKind.MEMORY, Map.of("identity.mode", "hs256",
                "identity.hs256-secret", secret, "identity.issuer", ""))) {
            Response ok = create(service, jwt(new MACSigner(secret), JWSAlgorithm.HS256, null, claims("hs-user").build()));
            assertEquals(200, ok.status(), ok.body());
            assertEquals("hs-user", ok.text("user_id"));
            assertEquals(401, create(service, jwt(new MACSigner("another-secret-that-is-32-bytes-long!!"),
                    JWSAlgorithm.HS256, null, claims("x").build())).status());
            assertEquals(401, create(service, jwt(new MACSigner(secret), JWSAlgorithm.HS256, null,
                    new JWTClaimsSet.Builder().subject("no-exp").build())).status(), "exp is required");
            assertEquals(401, service.post("/api/session/create", "{}").status(), "no Authorization");
        }
    }

    @Test
    void anAudienceWhenConfiguredMustBeInTheToken() throws Exception {
        String secret = "0123456789abcdef0123456789abcdef-secret";
        MACSigner signer = new MACSigner(secret);
        try (TestService service = TestService.start(StoreKind.MEMORY, Map.of("identity.mode", "hs256",
                "identity.hs256-secret", secret, "identity.audience", "session-presence"))) {
            assertEquals(200, create(service, jwt(signer, JWSAlgorithm.HS256, null,
                    claims("ours").audience("session-presence").build())).status(), "the configured audience");
            assertEquals(200, create(service, jwt(signer, JWSAlgorithm.HS256, null,
                    claims("among").audience(List.of("other-app", "session-presence")).build())).status(),
                    "one of several audiences");
            assertEquals(401, create(service, jwt(signer, JWSAlgorithm.HS256, null,
                    claims("theirs").audience("other-app").build())).status(), "issued for another application");
            assertEquals(401, create(service, jwt(signer, JWSAlgorithm.HS256, null, claims("none").build())).status(),
                    "no aud at all");
        }
        try (TestService service = TestService.start(StoreKind.MEMORY, Map.of("identity.mode", "hs256",
                "identity.hs256-secret", secret))) {
            assertEquals(200, create(service, jwt(signer, JWSAlgorithm.HS256, null,
                    claims("unchecked").audience("other-app").build())).status(), "no audience configured: not checked");
        }
    }
}
