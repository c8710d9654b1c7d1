package io.sessionpresence.http;

import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.accesslog.AccessLogFeature;
import io.sessionpresence.logging.JsonLogFormatter;
import io.sessionpresence.session.Tokens;
import io.sessionpresence.testing.HttpTestClient.Response;
import io.sessionpresence.testing.LogLines;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestService;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every request gets an id, echoed in {@code X-Request-Id} and carried by the lines logged while
 * it is served: here its access log line, in JSON, with credential query values redacted.
 */
class RequestIdsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theIdIsTheCallersOrANewOneAndEveryLineOfTheRequestCarriesIt() throws Exception {
        try (LogLines log = LogLines.of(new JsonLogFormatter()).open(AccessLogFeature.DEFAULT_LOGGER_NAME, Level.INFO);
             TestService service = TestService.start(StoreKind.MEMORY)) {
            Response given = service.get("/api/session/validate?limit=1", "X-Request-Id", "client-id.42:a_b-c");
            assertEquals("client-id.42:a_b-c", header(given));
            assertEquals("client-id.42:a_b-c", accessLine(log, "/api/session/validate?limit=1").path("request_id").asText());

            Response generated = service.get("/api/session/validate?limit=2");
            assertTrue(header(generated).matches("[0-9a-f]{16}"), header(generated));
            assertEquals(header(generated), accessLine(log, "/api/session/validate?limit=2").path("request_id").asText());

            for (String insane : List.of("x".repeat(65), "a b", "a\"b", "{\"x\":1}")) {
                Response replaced = service.get("/api/session/stats", "X-Request-Id", insane);
                assertTrue(header(replaced).matches("[0-9a-f]{16}"), insane + " replaced: " + header(replaced));
            }
            assertNotEquals(header(generated), header(service.get("/api/session/validate")), "a new id per request");

            JsonNode access = accessLine(log, "/api/session/validate?limit=1");
            assertEquals("INFO", access.path("level").asText());
            assertTrue(access.path("message").asText().matches("127\\.0\\.0\\.1 \"GET /api/session/validate\\?limit=1 "
                    + "HTTP/1\\.1\" 401 \\d+ \\d+"), access.path("message").asText());

            service.get("/ws?token=query-secret-1&x=1&Session=query-secret-2&%73id=query-secret-3");
            String ws = accessLine(log, "/ws?").path("message").asText();
            assertTrue(ws.contains("/ws?token=[redacted]&x=1&Session=[redacted]&%73id=[redacted] "), ws);
        }
    }

    @Test
    void theAccessLogCanBeTurnedOff() throws Exception {
        try (LogLines log = LogLines.of(new JsonLogFormatter()).open(AccessLogFeature.DEFAULT_LOGGER_NAME, Level.INFO);
             TestService service = TestService.start(StoreKind.MEMORY, Map.of("logging.access-log", "false"))) {
            assertTrue(header(service.get("/api/session/validate")).matches("[0-9a-f]{16}"), "ids all the same");
            Thread.sleep(300);
            assertTrue(log.lines().stream().noneMatch(line -> line.contains(AccessLogFeature.DEFAULT_LOGGER_NAME)),
                    log.lines().toString());
        }
    }

    @Test
    void credentialParametersAreRedactedWhateverTheirSpelling() {
        assertEquals("a=1&token=[redacted]&b=2", AccessLog.redact("a=1&token=abc&b=2"));
        assertEquals("TOKEN=[redacted];session_token=[redacted]", AccessLog.redact("TOKEN=a=b;session_token=c"));
        assertEquals("%zz=[redacted]&sid=[redacted]&token", AccessLog.redact("%zz=x&sid=y&token"));
        String token = Tokens.newToken(Tokens.newSessionId("alice"));
        assertEquals("/api/cache/user/sps_[redacted]/x", AccessLog.redactTokens("/api/cache/user/" + token + "/x"));
        assertEquals("mine=sps_[redacted]&b=2", AccessLog.redactTokens("mine=" + token.replace(".", "%2E") + "&b=2"));
        assertEquals("EIO=4&transport=polling", AccessLog.redact("EIO=4&transport=polling"));
    }

    private static String header(Response response) {
        return response.headers().getOrDefault("x-request-id", List.of("")).getFirst();
    }

    /**
     * The access line of the request whose target starts with {@code target}; awaited, since it
     * is written once the response has gone out.
     */
    private static JsonNode accessLine(LogLines log, String target) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        do {
            for (String line : log.lines()) {
                JsonNode json = JSON.readTree(line);
                if (json.path("logger").asText().startsWith(AccessLogFeature.DEFAULT_LOGGER_NAME)
                        && json.path("message").asText().contains(" " + target)) {
                    return json;
                }
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no access line for " + target + " in " + log.lines());
    }
}
