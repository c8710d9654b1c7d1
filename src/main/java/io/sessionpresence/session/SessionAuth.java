package io.sessionpresence.session;

import java.util.List;
import java.util.Optional;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.webserver.http.ServerRequest;
import io.sessionpresence.http.ApiException;
import io.sessionpresence.http.ClientInfo;
import io.sessionpresence.limits.Limits;

/**
 * Finds the caller's session: {@code X-Session-Token: <token>} (the session store's header), or
 * {@code Authorization: Bearer <token>} when the bearer is a session token. A token that is sent
 * and fails counts against the caller's address ({@link Limits#sessionFailed}); a valid one costs
 * nothing more than its validation.
 */
public final class SessionAuth {
    public static final HeaderName SESSION_TOKEN = HeaderNames.create("X-Session-Token");

    private final SessionService sessions;
    private final Limits limits;
    private final ClientInfo clients;

    public SessionAuth(SessionService sessions, Limits limits, ClientInfo clients) {
        this.sessions = sessions;
        this.limits = limits;
        this.clients = clients;
    }

    public static Optional<String> token(ServerRequest req) {
        return token(req.headers());
    }

    /**
     * The session token of these request headers, if they carry one; a 400 for two
     * {@code X-Session-Token} headers, which a proxy and this service might each read differently.
     */
    public static Optional<String> token(Headers headers) {
        if (headers.all(SESSION_TOKEN, List::of).size() > 1) {
            throw ApiException.badRequest("More than one X-Session-Token header");
        }
        Optional<String> header = headers.first(SESSION_TOKEN).map(String::trim).filter(s -> !s.isEmpty());
        if (header.isPresent()) {
            return header;
        }
        return bearer(headers).filter(b -> b.startsWith(Tokens.TOKEN_PREFIX));
    }

    public static Optional<String> bearer(ServerRequest req) {
        return bearer(req.headers());
    }

    /** The credential of an {@code Authorization: Bearer} header, trimmed, if there is one. */
    public static Optional<String> bearer(Headers headers) {
        return headers.first(HeaderNames.AUTHORIZATION)
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> h.substring(7).trim())
                .filter(s -> !s.isEmpty());
    }

    /** The caller's live session, or 401. */
    public Session require(ServerRequest req) {
        String token = token(req).orElseThrow(() -> ApiException.unauthorized("Missing session token (X-Session-Token)"));
        return require(req, token);
    }

    /**
     * The live session for a token of this request, which may come some other way than its
     * headers (e.g. a beacon's body), or 401 (429 past the address's failures).
     */
    public Session require(ServerRequest req, String token) {
        Optional<Session> session = sessions.validate(token);
        if (session.isEmpty()) {
            failed(req);
            throw ApiException.unauthorized("Invalid or expired session");
        }
        return session.get();
    }

    /** A session token of this request failed: counted, and 429 once the address has none left. */
    public void failed(ServerRequest req) {
        limits.sessionFailed(clients.ip(req));
    }
}
