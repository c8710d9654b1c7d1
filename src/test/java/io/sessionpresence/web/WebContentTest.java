package io.sessionpresence.web;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;

import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.sessionpresence.testing.HttpTestClient;
import io.sessionpresence.testing.HttpTestClient.Response;
import io.sessionpresence.testing.ManualClock;
import io.sessionpresence.testing.TestRouting;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * /static/ and the /admin/ dashboard are served beside the admin JSON API, which keeps matching
 * first; both carry the strict Content-Security-Policy. Only the HTTP routes are needed, in
 * Helidon's test server.
 */
@ServerTest
class WebContentTest {
    static final String APP_ORIGIN = "https://app.example.com";
    private final HttpTestClient service;

    WebContentTest(URI server) {
        service = new HttpTestClient(server);
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        TestRouting.mount(routing, Map.of("cors.allowed-origins", APP_ORIGIN), new ManualClock());
    }

    static String header(Response res, String name) {
        return res.headers().getOrDefault(name, List.of("")).getFirst();
    }

    @Test
    void dashboardIsServedWithAStrictContentSecurityPolicy() {
        Response page = service.get("/admin/");
        assertEquals(200, page.status());
        assertTrue(header(page, "content-type").startsWith("text/html"));
        assertTrue(page.body().contains("<script type=\"module\" src=\"app.js\"></script>"));
        assertEquals(WebContent.CONTENT_SECURITY_POLICY, header(page, "content-security-policy"));
        assertFalse(WebContent.CONTENT_SECURITY_POLICY.contains("unsafe"));
        assertEquals("nosniff", header(page, "x-content-type-options"));
        assertEquals("no-referrer", header(page, "referrer-policy"));

        Response bare = service.get("/admin");
        assertEquals(301, bare.status());
        assertEquals("/admin/", header(bare, "location"));
        for (String asset : List.of("/admin/app.js", "/admin/app.css", "/static/", "/static/heartbeat.js",
                "/static/session-client.js", "/static/realtime.js", "/static/backoff.js")) {
            Response res = service.get(asset);
            assertEquals(200, res.status(), asset);
            assertEquals(WebContent.CONTENT_SECURITY_POLICY, header(res, "content-security-policy"), asset);
        }
        assertTrue(header(service.get("/static/heartbeat.js"), "content-type").startsWith("text/javascript"));
    }

    @Test
    void theAdminApiStillAnswersFirstAndUnknownFilesAreJson404() {
        Response anonymous = service.get("/admin/presence");
        assertEquals(401, anonymous.status());
        assertEquals("error", anonymous.text("status"));
        assertTrue(header(anonymous, "www-authenticate").startsWith("Bearer"));
        Response admin = service.get("/admin/presence", "Authorization", "Bearer test-admin-token");
        assertEquals(200, admin.status());
        assertEquals("success", admin.text("status"));
        assertEquals(401, service.get("/admin/stats").status());

        for (String missing : List.of("/admin/missing.js", "/static/missing.js", "/static/../config/application.yaml")) {
            Response res = service.get(missing);
            assertEquals(404, res.status(), missing);
            assertEquals("error", res.text("status"), missing);
        }
    }

    @Test
    void modulesAreReadableCrossOriginByTheConfiguredOriginsOnly() {
        Response allowed = service.get("/static/heartbeat.js", "Origin", APP_ORIGIN);
        assertEquals(APP_ORIGIN, header(allowed, "access-control-allow-origin"));
        Response other = service.get("/static/heartbeat.js", "Origin", "https://evil.example");
        assertFalse(other.headers().containsKey("access-control-allow-origin"));
        Response preflight = service.send(HttpRequest.newBuilder(service.uri("/static/session-client.js"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()),
                "Origin", APP_ORIGIN, "Access-Control-Request-Method", "GET");
        assertEquals(APP_ORIGIN, header(preflight, "access-control-allow-origin"));
    }
}
