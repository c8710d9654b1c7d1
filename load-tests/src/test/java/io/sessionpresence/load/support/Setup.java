package io.sessionpresence.load.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Data a simulation needs before its clock starts (sessions to validate, cache entries to hit),
 * made with the JDK HTTP client so it never shows up in Gatling's statistics.
 */
public final class Setup {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARALLEL = 32;

    /** A session made for the load test: its user, its token and its public id. */
    public record UserSession(String user, String token, String sessionId) {
        public Map<String, Object> asFeed() {
            return Map.of("user", user, "token", token);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl = LoadConfig.baseUrl();

    public JsonNode send(String method, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(method + " " + path + " -> " + response.statusCode() + " " + response.body());
            }
            return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public UserSession createSession(String user) {
        JsonNode created = send("POST", "/api/session/create", "{\"remember_me\":false}",
                "Authorization", "Bearer dev:" + user);
        return new UserSession(user, created.path("session_token").asText(), created.path("session_id").asText());
    }

    /** Sessions for users {@code prefix0 .. prefix(n-1)}, {@value #PARALLEL} requests at a time. */
    public List<UserSession> createSessions(String prefix, int n) {
        List<String> users = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            users.add(prefix + i);
        }
        return parallel(users, this::createSession);
    }

    /** Runs {@code action} on every item, {@value #PARALLEL} at a time; results in input order. */
    public <T, R> List<R> parallel(List<T> items, java.util.function.Function<T, R> action) {
        Semaphore permits = new Semaphore(PARALLEL);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<R>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(executor.submit(() -> {
                    permits.acquire();
                    try {
                        return action.apply(item);
                    } finally {
                        permits.release();
                    }
                }));
            }
            List<R> results = new ArrayList<>(items.size());
            for (Future<R> future : futures) {
                results.add(future.get());
            }
            return Collections.unmodifiableList(results);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("setup failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** The store the service runs on ({@code redis} or {@code memory}), from /api/session/stats. */
    public String store() {
        UserSession probe = createSession("lt-store-probe");
        String store = send("GET", "/api/session/stats", null, "X-Session-Token", probe.token())
                .path("stats").path("store").asText();
        send("POST", "/api/session/logout", null, "X-Session-Token", probe.token());
        return store;
    }
}
