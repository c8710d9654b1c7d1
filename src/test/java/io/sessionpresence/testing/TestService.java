package io.sessionpresence.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionpresence.Main;
import io.sessionpresence.config.ConfigLoader;
import io.sessionpresence.json.Json;
import io.sessionpresence.store.TimeSource;

/**
 * The real service on a free port, started through {@link Main#start} with the chosen store, config
 * overrides and time, and a JDK HTTP client talking to it over a socket.
 */
public final class TestService implements AutoCloseable {
    public record Response(int status, String body, Map<String, java.util.List<String>> headers) {
        public JsonNode json() {
            return Json.read(body, JsonNode.class);
        }

        public String text(String field) {
            return json().path(field).asText();
        }
    }

    private final Main.Running running;
    private final Map<String, String> config;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestService(Main.Running running, Map<String, String> config) {
        this.running = running;
        this.config = config;
    }

    /** The configuration every test service starts from: {@code store}, a free local port, an admin token. */
    public static Map<String, String> config(StoreKind store, Map<String, String> overrides) {
        Map<String, String> config = new HashMap<>(store.config());
        config.put("server.port", "0");
        config.put("server.host", "127.0.0.1");
        config.put("admin.token", "test-admin-token");
        config.putAll(overrides);
        return config;
    }

    /** On real time. */
    public static TestService start(StoreKind store, Map<String, String> overrides) {
        return start(config(store, overrides), TimeSource.system());
    }

    public static TestService start(StoreKind store) {
        return start(store, Map.of());
    }

    /**
     * On the memory store, on {@code clock}: sessions, presence and activity expire when the test
     * advances it. Redis has no such variant, since Redis ends its keys by its own clock.
     */
    public static TestService start(Map<String, String> overrides, ManualClock clock) {
        Map<String, String> config = config(StoreKind.MEMORY, overrides);
        if (!"memory".equals(config.get("store.type"))) {
            throw new IllegalArgumentException("a manual clock drives the memory store only, not " + config.get("store.type"));
        }
        return start(config, clock.timeSource());
    }

    private static TestService start(Map<String, String> config, TimeSource time) {
        return new TestService(Main.start(ConfigLoader.load(Map.of(), config), time), config);
    }

    public Map<String, String> config() {
        return config;
    }

    public Main.Running running() {
        return running;
    }

    public int port() {
        return running.port();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
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

    @Override
    public void close() {
        running.close();
    }
}
