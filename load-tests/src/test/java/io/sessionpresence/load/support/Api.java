package io.sessionpresence.load.support;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.substring;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;

/**
 * The service's API as Gatling requests, named {@code <phase>/<call>}, with the checks every
 * simulation relies on. Session attributes used: {@code user}, {@code token}.
 */
public final class Api {
    /** The cheapest route measured: see {@link #ceiling}. */
    public static final String CEILING_PATH = "/api/session/validate";

    private Api() {
    }

    /** One connection per virtual user (closed-loop phases keep it for their whole run). */
    public static HttpProtocolBuilder protocol() {
        java.util.List<String> urls = LoadConfig.baseUrls();
        HttpProtocolBuilder protocol = urls.size() > 1
                // Several instances (-DbaseUrls): each virtual user takes the next one in turn.
                ? http.baseUrls(urls).wsBaseUrls(urls.stream().map(u -> u.replaceFirst("^http", "ws")).toList())
                : http.baseUrl(LoadConfig.baseUrl()).wsBaseUrl(LoadConfig.wsBaseUrl());
        return protocol
                .acceptHeader("application/json")
                .contentTypeHeader("application/json")
                .userAgentHeader("session-presence-load-tests");
    }

    /** For open-model phases: virtual users come and go, connections are pooled. */
    public static HttpProtocolBuilder sharedProtocol() {
        return protocol().shareConnections();
    }

    public static HttpRequestActionBuilder create(String phase) {
        return http(phase + "/create").post("/api/session/create")
                .header("Authorization", "Bearer dev:#{user}")
                .body(StringBody("{\"remember_me\":false}"))
                .check(status().is(200), jsonPath("$.session_token").saveAs("token"));
    }

    public static HttpRequestActionBuilder validate(String phase) {
        return http(phase + "/validate").get("/api/session/validate")
                .header("X-Session-Token", "#{token}")
                .check(status().is(200), substring("\"valid\":true"));
    }

    public static HttpRequestActionBuilder validateRejected(String phase) {
        return http(phase + "/validate after logout").get("/api/session/validate")
                .header("X-Session-Token", "#{token}")
                .check(status().is(401));
    }

    public static HttpRequestActionBuilder tokenCall(String phase, String call, String method, String path) {
        HttpRequestActionBuilder request = switch (method) {
            case "POST" -> http(phase + "/" + call).post(path);
            case "DELETE" -> http(phase + "/" + call).delete(path);
            default -> http(phase + "/" + call).get(path);
        };
        return request.header("X-Session-Token", "#{token}").check(status().is(200));
    }

    /** Anonymous heartbeat of {@code user} (presence.allow-anonymous, the default). */
    public static HttpRequestActionBuilder heartbeat(String phase) {
        return http(phase + "/heartbeat").post("/api/heartbeat")
                .body(StringBody("{\"user\":\"#{user}\",\"page\":\"#{page}\"}"))
                .check(status().is(200), bodyString().is("{\"status\":\"success\"}"));
    }

    /**
     * The ceiling's request: {@code -DceilingPath}, by default {@code /api/session/validate} with
     * no token (routing, filters and a small JSON 401, no store access: measured the cheapest,
     * ahead of a 404 and of {@code /observe/health/live}, whose chunked body costs more). Its
     * normal answer (2xx, 401 or 404) is a success.
     */
    public static HttpRequestActionBuilder ceiling(String phase) {
        return http(phase + "/ceiling").get(LoadConfig.string("ceilingPath", CEILING_PATH))
                .check(status().in(200, 204, 401, 404));
    }
}
