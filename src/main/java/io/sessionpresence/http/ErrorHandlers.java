package io.sessionpresence.http;

import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpException;
import io.helidon.metrics.api.Counter;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.ErrorHandler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sessionpresence.json.Json;
import io.sessionpresence.logging.LogLimiter;
import io.sessionpresence.store.StoreFull;
import io.sessionpresence.store.StoreOutage;
import org.redisson.client.RedisException;

/**
 * Every failure becomes a JSON body ({@link Json#error}): client mistakes are 4xx with a message
 * that says what to fix; an unreachable store is a 503 (the client should retry, we reconnect on
 * our own); anything else is a 500 with a generic message and the details only in our log.
 */
public final class ErrorHandlers {
    private static final Logger LOG = Logger.getLogger(ErrorHandlers.class.getName());
    static final String HTTP_1_0 = "HTTP/1.0 is not supported: send HTTP/1.1 (behind a reverse proxy: "
            + "nginx proxy_http_version 1.1)";

    private ErrorHandlers() {
    }

    /** @param unavailable counts the 503s (the store did not answer) */
    public static void register(HttpRouting.Builder routing, Counter unavailable) {
        // One per routing: a service's windows of repeated errors are its own.
        LogLimiter log = new LogLimiter(LOG);
        routing.error(ApiException.class, unlessClosed(ErrorHandlers::apiException))
                .error(HttpException.class, unlessClosed((req, res, e) -> httpException(req, res, e, unavailable, log)))
                .error(RedisException.class, unlessClosed((req, res, e) -> storeDown(req, res, e, unavailable, log)))
                .error(StoreFull.class, unlessClosed((req, res, e) -> storeFull(res, e, unavailable)))
                .error(Exception.class, unlessClosed((req, res, e) -> unexpected(req, res, e, unavailable, log)));
    }

    /**
     * {@code handler}, except on a connection that {@link io.sessionpresence.connections.ConnectionGuard}
     * closed (its thread interrupted, its socket closed, while the body was still coming): no
     * answer can be written there, and trying would log the failure as ours, with a stack trace,
     * once per slow client. Helidon closes the connection quietly instead.
     */
    private static <T extends Throwable> ErrorHandler<T> unlessClosed(ErrorHandler<T> handler) {
        return (req, res, e) -> {
            if (Thread.currentThread().isInterrupted()) {
                throw new CloseConnectionException("Request not received in time", e);
            }
            handler.handle(req, res, e);
        };
    }

    /**
     * JSON for errors Helidon raises before routing (malformed request line or headers, a body
     * over {@code server.max-payload-size}): error handlers never see those.
     */
    public static DirectHandlers directHandlers() {
        DirectHandler json = (request, type, status, headers, message) -> {
            String text = switch (status.code()) {
                case 413 -> "Request body too large";
                // Helidon 4 speaks HTTP/1.1 (and HTTP/2) only and answers 505 to any HTTP/1.0
                // request line, before routing; most often a reverse proxy's default.
                case 505 -> HTTP_1_0;
                default -> status.reasonPhrase();
            };
            return DirectHandler.TransportResponse.builder()
                    .status(status)
                    .header(HeaderNames.CONTENT_TYPE, "application/json")
                    .entity(Json.write(HttpJson.error(status.code(), text)))
                    .build();
        };
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            builder.addHandler(type, json);
        }
        return builder.build();
    }

    private static void apiException(ServerRequest req, ServerResponse res, ApiException e) {
        if (e.closesConnection() && !res.isSent()) {
            res.header(HeaderValues.CONNECTION_CLOSE);
        }
        if (e instanceof TooManyRequests limited && !res.isSent()) {
            res.header("Retry-After", Long.toString(limited.retryAfterSeconds()));
            Map<String, Object> body = HttpJson.error(429, e.getMessage());
            body.put("retry_after", limited.retryAfterSeconds());
            HttpJson.send(res, 429, body);
            return;
        }
        send(res, e.status(), e.getMessage());
    }

    private static void httpException(ServerRequest req, ServerResponse res, HttpException e, Counter unavailable,
                                      LogLimiter log) {
        int code = e.status().code();
        if (code >= 500) {
            unexpected(req, res, e, unavailable, log);
            return;
        }
        send(res, code, code == 404 ? "Not found: " + req.path().absolute().path() : e.status().reasonPhrase());
    }

    /** Logged once per outage and then every 10 s with a count: every request fails alike. */
    private static void storeDown(ServerRequest req, ServerResponse res, Exception e, Counter unavailable,
                                  LogLimiter log) {
        unavailable.increment();
        log.log(Level.WARNING, "Store unavailable (" + e.getClass().getSimpleName() + ")",
                () -> "Store unavailable on " + route(req) + ": " + e.getClass().getSimpleName());
        res.header("Retry-After", "1");
        send(res, 503, "Session store unavailable, retry shortly");
    }

    /** Not logged per request: a full store refuses every new entry alike until entries expire. */
    private static void storeFull(ServerResponse res, StoreFull e, Counter unavailable) {
        unavailable.increment();
        res.header("Retry-After", "30");
        send(res, 503, e.getMessage());
    }

    /** A bug that every request hits logs its stack trace once per window, not once per request. */
    private static void unexpected(ServerRequest req, ServerResponse res, Exception e, Counter unavailable,
                                   LogLimiter log) {
        if (StoreOutage.is(e)) {
            storeDown(req, res, e, unavailable, log);
            return;
        }
        log.log(Level.SEVERE, "Unexpected error (" + e.getClass().getName() + ")",
                () -> "Unexpected error on " + route(req), e);
        send(res, 500, "Internal error");
    }

    private static String route(ServerRequest req) {
        return req.prologue().method().text() + " " + req.path().absolute().path();
    }

    private static void send(ServerResponse res, int status, String message) {
        if (res.isSent()) {
            return;
        }
        HttpJson.send(res, status, HttpJson.error(status, message));
    }
}
