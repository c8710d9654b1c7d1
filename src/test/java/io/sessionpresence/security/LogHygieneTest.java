package io.sessionpresence.security;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.helidon.webserver.accesslog.AccessLogFeature;
import io.sessionpresence.logging.JsonLogFormatter;
import io.sessionpresence.logging.TextLogFormatter;
import io.sessionpresence.session.Tokens;
import io.sessionpresence.testing.HttpTestClient.Response;
import io.sessionpresence.testing.LogCapture;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestService;
import io.sessionpresence.testing.WsTestClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No secret ever reaches a log line: every record written while the whole API is used (identity
 * JWTs, session tokens in headers, bodies, socket frames and {@code /ws} URLs, the admin token
 * right and wrong, invalid tokens, failures) is captured, formatted with its parameters and stack
 * traces, in the text and the JSON format, and searched for each secret used and for each token's
 * stored hash. The service's own loggers are opened down to FINE, so debug logging must be clean
 * too, and Helidon's access log is on, at INFO.
 */
class LogHygieneTest {
    private static final String HS256_SECRET = "log-hygiene-secret-0123456789abcdef-0123456789";
    private static final String ADMIN_TOKEN = "log-hygiene-admin-token-0123456789abcdef";
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String REDACTED = "[redacted]";

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void noSecretIsLoggedWhileTheWholeApiIsUsed(StoreKind store) throws Exception {
        Logger ours = Logger.getLogger("io.sessionpresence");
        Level oursBefore = ours.getLevel();
        ours.setLevel(Level.FINE);
        Logger access = Logger.getLogger(AccessLogFeature.DEFAULT_LOGGER_NAME);
        Level accessBefore = access.getLevel();
        access.setLevel(Level.INFO);
        List<String> secrets = new ArrayList<>(List.of(HS256_SECRET, ADMIN_TOKEN));
        List<String> logged;
        try (LogCapture log = LogCapture.of("");
             TestService service = TestService.start(store, Map.of("identity.mode", "hs256",
                "identity.hs256-secret", HS256_SECRET, "admin.token", ADMIN_TOKEN))) {
            for (String user : List.of("hygiene-a", "hygiene-b")) {
                String jwt = jwt(user);
                secrets.add(jwt);
                Response created = service.post("/api/session/create", "{\"remember_me\":true}",
                        "Authorization", "Bearer " + jwt);
                assertEquals(200, created.status(), created.body());
                String token = created.text("session_token");
                secrets.add(token);
                secrets.add(Tokens.hashOfSecret(token));
                exercise(service, token, created.text("session_id"));
            }
            String stale = Tokens.TOKEN_PREFIX + "A".repeat(43);
            secrets.add(stale);
            assertEquals(401, service.get("/api/session/validate", "X-Session-Token", stale).status());
            String wrongAdmin = "log-hygiene-wrong-admin-token-0123456789";
            secrets.add(wrongAdmin);
            assertEquals(401, service.get("/admin/stats", "Authorization", "Bearer " + wrongAdmin).status());
            String badJwt = jwt("hygiene-c").substring(0, 60) + "tampered";
            secrets.add(badJwt);
            assertEquals(401, service.post("/api/session/create", "{}", "Authorization", "Bearer " + badJwt).status());
            awaitAccessLines(service, log);
            logged = log.records().stream().map(LogHygieneTest::format).toList();
        } finally {
            ours.setLevel(oursBefore);
            access.setLevel(accessBefore);
        }
        assertFalse(logged.isEmpty(), "the capture saw the service's log");
        assertTrue(logged.stream().anyMatch(line -> line.contains("/ws?token=" + REDACTED)),
                "the access log saw the /ws URLs, redacted");
        for (String line : logged) {
            for (String secret : secrets) {
                assertFalse(line.contains(secret), "a log record holds a secret (" + secret.substring(0, 8) + "…): " + line);
            }
        }
    }

    /** Every route and socket path that handles a token, with this session. */
    private static void exercise(TestService service, String token, String sessionId) {
        assertEquals(200, service.get("/api/session/validate", "X-Session-Token", token).status());
        assertEquals(200, service.get("/api/session/validate", "Authorization", "Bearer " + token).status());
        assertEquals(200, service.post("/api/session/refresh", null, "X-Session-Token", token).status());
        assertEquals(200, service.post("/api/heartbeat", "{\"page\":\"/p\"}", "X-Session-Token", token).status());
        assertEquals(200, service.post("/api/heartbeat", "{\"leaving\":true,\"session_token\":\"" + token + "\"}")
                .status());
        assertEquals(200, service.post("/api/session/update", "{\"sid\":\"" + sessionId + "\"}",
                "X-Session-Token", token).status());
        assertEquals(200, service.get("/api/session/list", "X-Session-Token", token).status());
        assertEquals(200, service.get("/api/session/stats", "X-Session-Token", token).status());
        String admin = "Bearer " + ADMIN_TOKEN;
        for (String path : List.of("/admin/presence", "/admin/sessions", "/admin/sessions/redis", "/admin/stats",
                "/admin/redis/debug")) {
            assertEquals(200, service.get(path, "Authorization", admin).status(), path);
        }
        try (WsTestClient socket = WsTestClient.connect(service.port(), "/ws")) {
            socket.send("{\"event\":\"auth\",\"data\":{\"session_token\":\"" + token + "\"}}");
            socket.nextEvent("authenticated", WAIT);
            socket.send("{\"event\":\"user:heartbeat\",\"data\":{\"page\":\"/ws\"}}");
            socket.send("{\"event\":\"not-an-event\",\"data\":{\"token\":\"" + token + "\"}}");
            socket.nextEvent("error", WAIT);
        }
        try (WsTestClient socket = WsTestClient.connect(service.port(), "/ws")) {
            socket.send("{\"event\":\"auth\",\"data\":{\"token\":\"" + ADMIN_TOKEN + "\"}}");
            socket.nextEvent("authenticated", WAIT);
        }
        // Credentials in the URL (realtime.query-credentials, on by default): as upgrades, and as
        // plain requests, which reach the access log.
        for (String url : List.of("/ws?session=" + token, "/ws?token=" + ADMIN_TOKEN)) {
            try (WsTestClient socket = WsTestClient.connect(service.port(), url)) {
                socket.send("{\"event\":\"not-an-event\",\"data\":{}}");
                socket.nextEvent("error", WAIT);
            }
        }
        service.get("/ws?token=" + ADMIN_TOKEN + "&session=" + token);
        service.get("/api/session/validate?session_token=" + token + "&token=" + ADMIN_TOKEN);
        assertEquals(200, service.post("/api/session/logout-all", null, "X-Session-Token", token).status());
        assertEquals(401, service.get("/api/session/validate", "X-Session-Token", token).status());
    }

    private static String jwt(String user) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject(user)
                .expirationTime(new Date(System.currentTimeMillis() + 60_000)).issueTime(new Date()).build());
        jwt.sign(new MACSigner(HS256_SECRET));
        return jwt.serialize();
    }

    /**
     * A record as the log shows it, in each format: formatted message with its parameters, logger,
     * level, stack trace; and the JSON line.
     */
    private static String format(LogRecord record) {
        StringWriter text = new StringWriter().append(new SimpleFormatter().format(record));
        if (record.getThrown() != null) {
            record.getThrown().printStackTrace(new PrintWriter(text));
        }
        return text.append(new TextLogFormatter().format(record)).append(new JsonLogFormatter().format(record)).toString();
    }

    /**
     * Access lines are written once their responses have gone out: waits for the line of one more
     * request, sent after all the others were answered.
     */
    private static void awaitAccessLines(TestService service, LogCapture log) throws InterruptedException {
        service.get("/observe/health/live?hygiene=last");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (log.records().stream().noneMatch(r -> String.valueOf(r.getMessage()).contains("hygiene=last"))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
