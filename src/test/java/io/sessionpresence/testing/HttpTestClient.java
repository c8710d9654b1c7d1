package io.sessionpresence.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionpresence.json.Json;

/**
 * A JDK HTTP client for one server's routes, over a real socket, with the service's API
 * shortcuts ({@link #login}, {@link #token}): for the whole service ({@link TestService}) and for
 * routes mounted in Helidon's test server alike.
 */
public class HttpTestClient {
    public record Response(int status, String body, Map<String, List<String>> headers) {
        public JsonNode json() {
            return Json.read(body, JsonNode.class);
        }

        public String text(String field) {
            return json().path(field).asText();
        }
    }

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param base the server's address without a path, e.g. {@code http://127.0.0.1:8080} */
    public HttpTestClient(URI base) {
        this.base = base.toString().replaceAll("/$", "");
    }

    public URI uri(String path) {
        // Appended, not resolved: paths go out exactly as the test wrote them (dot segments included).
        return URI.create(base + path);
    }

    public Response get(String path, String... headers) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), headers);
    }

    public Response delete(String path, String... headers) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE(), headers);
    }

    public Response post(String path, String body, String... headers) {
        HttpRequest.BodyPublisher publisher = body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        return send(HttpRequest.newBuilder(uri(path)).POST(publisher), headers);
    }

    public Response send(HttpRequest.Builder request, String... headers) {
        if (headers.length > 0) {
            request.headers(headers);
        }
        request.timeout(Duration.ofSeconds(10));
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response.headers().map());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Creates a session for {@code user} in dev identity mode; returns the create response. */
    public Response login(String user, boolean rememberMe) {
        return post("/api/session/create", "{\"remember_me\":" + rememberMe + "}",
                "Authorization", "Bearer dev:" + user, "Content-Type", "application/json");
    }

    public String token(String user) {
        Response created = login(user, false);
        if (created.status() != 200) {
            throw new IllegalStateException("login failed: " + created);
        }
        return created.text("session_token");
    }
}
