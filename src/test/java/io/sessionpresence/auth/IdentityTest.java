package io.sessionpresence.auth;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
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
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.helidon.webserver.testing.junit5.Socket;
import io.sessionpresence.testing.HttpTestClient;
import io.sessionpresence.testing.HttpTestClient.Response;
import io.sessionpresence.testing.ManualClock;
import io.sessionpresence.testing.TestRouting;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Session creation gated by signed identity tokens: JWKS (RS256/ES256) and HS256. Only the HTTP
 * routes are needed: Helidon's test server mounts them twice, once per identity mode, each on its
 * own socket.
 */
@ServerTest
class IdentityTest {
    static final String ISSUER = "https://issuer.test";
    static final String HS256_SECRET = "0123456789abcdef0123456789abcdef-secret";
    static final RSAKey rsa = generated(() -> new RSAKeyGenerator(2048).keyID("rsa-1").generate());
    static final ECKey ec = generated(() -> new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate());
    static final AtomicReference<JWKSet> published =
            new AtomicReference<>(new JWKSet(List.<JWK>of(rsa.toPublicJWK(), ec.toPublicJWK())));
    /** Up before the routes are set up, which is before any {@code @BeforeAll}: they name its URL. */
    static final HttpServer jwksServer = jwksServer();

    private final HttpTestClient jwksMode;
    private final HttpTestClient hs256Mode;

    private final HttpTestClient audienceMode;

    IdentityTest(URI jwks, @Socket("hs256") URI hs256, @Socket("audience") URI audience) {
        jwksMode = new HttpTestClient(jwks);
        hs256Mode = new HttpTestClient(hs256);
        audienceMode = new HttpTestClient(audience);
    }

    private static <K> K generated(Callable<K> generator) {
        try {
            return generator.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpServer jwksServer() {
        InetSocketAddress anyPort = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        HttpServer server = generated(() -> HttpServer.create(anyPort, 0));
        server.createContext("/jwks.json", exchange -> {
            byte[] body = published.get().toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    @SetUpRoute
    static void jwksRouting(HttpRouting.Builder routing) {
        String jwksUrl = "http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/jwks.json";
        TestRouting.mount(routing, Map.of("identity.mode", "jwks", "identity.jwks-url", jwksUrl,
                "identity.issuer", ISSUER, "identity.authorized-parties", "chrome-extension://ext,https://app",
                "identity.clock-skew-seconds", "30"), new ManualClock());
    }

    @SetUpRoute("hs256")
    static void hs256Routing(HttpRouting.Builder routing) {
        TestRouting.mount(routing, Map.of("identity.mode", "hs256", "identity.hs256-secret", HS256_SECRET,
                "identity.issuer", ""), new ManualClock());
    }

    @SetUpRoute("audience")
    static void audienceRouting(HttpRouting.Builder routing) {
        TestRouting.mount(routing, Map.of("identity.mode", "hs256", "identity.hs256-secret", HS256_SECRET,
                "identity.issuer", "", "identity.audience", "session-presence"), new ManualClock());
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

    static Response create(HttpTestClient mode, String bearer) {
        return mode.post("/api/session/create", "{}", "Authorization", "Bearer " + bearer);
    }

    @Test
    void jwksModeChecksSignatureIssuerExpiryAndAzp() throws Exception {
        JWSSigner rsaSigner = new RSASSASigner(rsa);
        Response ok = create(jwksMode, jwt(rsaSigner, JWSAlgorithm.RS256, "rsa-1", claims("user_rs").claim("azp", "https://app").build()));
        assertEquals(200, ok.status(), ok.body());
        assertEquals("user_rs", ok.text("user_id"));
        Response es = create(jwksMode, jwt(new ECDSASigner(ec), JWSAlgorithm.ES256, "ec-1", claims("user_es").claim("azp", "https://app").build()));
        assertEquals(200, es.status(), es.body());

        assertEquals(401, create(jwksMode, jwt(rsaSigner, JWSAlgorithm.RS256, "rsa-1",
                claims("u").claim("azp", "https://evil").build())).status(), "azp not allowed");
        assertEquals(401, create(jwksMode, jwt(rsaSigner, JWSAlgorithm.RS256, "rsa-1",
                claims("u").claim("azp", "https://app").issuer("https://other").build())).status(), "wrong issuer");
        assertEquals(401, create(jwksMode, jwt(rsaSigner, JWSAlgorithm.RS256, "rsa-1",
                claims("u").claim("azp", "https://app").expirationTime(new Date(System.currentTimeMillis() - 120_000)).build())).status(),
                "expired beyond the clock skew");
        assertEquals(200, create(jwksMode, jwt(rsaSigner, JWSAlgorithm.RS256, "rsa-1",
                claims("skew").claim("azp", "https://app").expirationTime(new Date(System.currentTimeMillis() - 10_000)).build())).status(),
                "expired within the clock skew");
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        assertEquals(401, create(jwksMode, jwt(new RSASSASigner(stranger), JWSAlgorithm.RS256, "rsa-1",
                claims("u").claim("azp", "https://app").build())).status(), "signed by someone else");
        assertEquals(401, create(jwksMode, "not-a-jwt").status());
        assertEquals(401, create(jwksMode, "dev:alice").status(), "dev tokens are off in jwks mode");

        RSAKey rotated = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        published.set(new JWKSet(List.<JWK>of(rsa.toPublicJWK(), ec.toPublicJWK(), rotated.toPublicJWK())));
        Response afterRotation = create(jwksMode, jwt(new RSASSASigner(rotated), JWSAlgorithm.RS256, "rsa-2",
                claims("rotated").claim("azp", "https://app").build()));
        assertEquals(200, afterRotation.status(), "an unknown kid refetches the key set: " + afterRotation.body());
    }

    @Test
    void hs256ModeUsesTheSharedSecret() throws Exception {
        Response ok = create(hs256Mode, jwt(new MACSigner(HS256_SECRET), JWSAlgorithm.HS256, null, claims("hs-user").build()));
        assertEquals(200, ok.status(), ok.body());
        assertEquals("hs-user", ok.text("user_id"));
        assertEquals(401, create(hs256Mode, jwt(new MACSigner("another-secret-that-is-32-bytes-long!!"),
                JWSAlgorithm.HS256, null, claims("x").build())).status());
        assertEquals(401, create(hs256Mode, jwt(new MACSigner(HS256_SECRET), JWSAlgorithm.HS256, null,
                new JWTClaimsSet.Builder().subject("no-exp").build())).status(), "exp is required");
        assertEquals(401, hs256Mode.post("/api/session/create", "{}").status(), "no Authorization");
    }

    @Test
    void anAudienceWhenConfiguredMustBeInTheToken() throws Exception {
        MACSigner signer = new MACSigner(HS256_SECRET);
        assertEquals(200, create(audienceMode, jwt(signer, JWSAlgorithm.HS256, null,
                claims("ours").audience("session-presence").build())).status(), "the configured audience");
        assertEquals(200, create(audienceMode, jwt(signer, JWSAlgorithm.HS256, null,
                claims("among").audience(List.of("other-app", "session-presence")).build())).status(),
                "one of several audiences");
        assertEquals(401, create(audienceMode, jwt(signer, JWSAlgorithm.HS256, null,
                claims("theirs").audience("other-app").build())).status(), "issued for another application");
        assertEquals(401, create(audienceMode, jwt(signer, JWSAlgorithm.HS256, null, claims("none").build())).status(),
                "no aud at all");
        assertEquals(200, create(hs256Mode, jwt(signer, JWSAlgorithm.HS256, null,
                claims("unchecked").audience("other-app").build())).status(), "no audience configured: not checked");
    }
}
