package io.sessionpresence.session;

import java.util.Optional;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.sessionpresence.http.ApiException;

/**
 * Finds the caller's session: {@code X-Session-Token: <token>} (the session store's header), or
 * {@code Authorization: Bearer <token>} when the bearer is a session token.
 */
public final class SessionAuth {
    public static final HeaderName SESSION_TOKEN = HeaderNames.create("X-Session-Token");

    private final SessionService sessions;

    public SessionAuth(SessionService sessions) {
        this.sessions = sessions;
    }

    public static Optional<String> token(ServerRequest req) {
        Optional<String> header = req.headers().first(SESSION_TOKEN).map(String::trim).filter(s -> !s.isEmpty());
        if (header.isPresent()) {
            return header;
        }
        return bearer(req).filter(b -> b.startsWith(Tokens.TOKEN_PREFIX));
    }

    public static Optional<String> bearer(ServerRequest req) {
        return req.headers().first(HeaderNames.AUTHORIZATION)
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> h.substring(7).trim())
                .filter(s -> !s.isEmpty());
    }

    /** The caller's live session, or 401. */
    public Session require(ServerRequest req) {
        String token = token(req).orElseThrow(() -> ApiException.unauthorized("Missing session token (X-Session-Token)"));
        return require(token);
    }

    /** The live session for a token the caller got some other way (e.g. a beacon's body), or 401. */
    public Session require(String token) {
        return sessions.validate(token).orElseThrow(() -> ApiException.unauthorized("Invalid or expired session"));
    }

    /** The caller's session if the request carries a valid one. */
    public Optional<Session> optional(ServerRequest req) {
        return token(req).flatMap(sessions::validate);
    }
}
