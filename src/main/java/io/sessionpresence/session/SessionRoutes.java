package io.sessionpresence.session;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sessionpresence.auth.IdentityVerifier;
import io.sessionpresence.http.ApiException;
import io.sessionpresence.http.ClientInfo;
import io.sessionpresence.http.HttpJson;
import io.sessionpresence.json.Json;
import io.sessionpresence.limits.Limits;
import io.sessionpresence.limits.ScriptedLimit;
import io.sessionpresence.store.Page;

/**
 * {@code /api/session/*}: the session API of the Chrome-extension session store (create, validate, refresh, logout,
 * logout-all, stats) plus the account-page pair list / revoke-one.
 */
public final class SessionRoutes implements HttpService {
    private final SessionService sessions;
    private final SessionAuth auth;
    private final IdentityVerifier identity;
    private final ClientInfo clients;
    private final String storeName;
    private final long maxBodyBytes;

    private final Limits limits;

    public SessionRoutes(SessionService sessions, SessionAuth auth, IdentityVerifier identity, ClientInfo clients,
                         Limits limits, String storeName, long maxBodyBytes) {
        this.sessions = sessions;
        this.auth = auth;
        this.limits = limits;
        this.identity = identity;
        this.clients = clients;
        this.storeName = storeName;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/create", this::create)
                .get("/validate", this::validate)
                .post("/refresh", this::refresh)
                .post("/logout", this::logout)
                .post("/logout-all", this::logoutAll)
                .get("/stats", this::stats)
                .get("/list", this::list)
                .delete("/{session_id}", this::revokeOne);
    }

    private void create(ServerRequest req, ServerResponse res) {
        String ip = clients.ip(req);
        // The address first: it is checked before an identity token costs a verification.
        limits.sessionCreateFrom(ip);
        String bearer = SessionAuth.bearer(req)
                .orElseThrow(() -> ApiException.unauthorized("Missing identity token (Authorization: Bearer ...)"));
        String userId = identity.verify(bearer).orElse(null);
        if (userId == null) {
            limits.sessionFailed(ip);
            throw ApiException.unauthorized("Invalid identity token");
        }
        Optional<ScriptedLimit> loginLimit = limits.sessionCreateFor(userId);
        ObjectNode body = HttpJson.readObject(req, maxBodyBytes, true);
        boolean rememberMe = HttpJson.optBoolean(body, "remember_me", false);
        SessionService.Created created = sessions.create(userId, rememberMe, ClientInfo.userAgent(req), ip, loginLimit);
        HttpJson.ok(res, new CreatedAnswer(true, created.token(), created.session().sessionId(), userId,
                created.session().expiresAt(), rememberMe));
    }

    /** The answer to a create: a record, for the reason {@link Valid} is one. */
    public record CreatedAnswer(boolean success, @JsonProperty("session_token") String sessionToken,
                                @JsonProperty("session_id") String sessionId, @JsonProperty("user_id") String userId,
                                @JsonProperty("expires_at") long expiresAt, @JsonProperty("remember_me") boolean rememberMe) {
    }

    private void validate(ServerRequest req, ServerResponse res) {
        Optional<String> token = SessionAuth.token(req);
        var session = token.flatMap(sessions::validate);
        if (session.isEmpty()) {
            if (token.isPresent()) {
                auth.failed(req);
            }
            Map<String, Object> out = HttpJson.error(401, token.isEmpty()
                    ? "Missing session token (X-Session-Token)" : "Invalid or expired session");
            out.put("valid", false);
            HttpJson.send(res, 401, out);
            return;
        }
        Session s = session.get();
        HttpJson.ok(res, new Valid(true, true, s.userId(), s.sessionId(), s.expiresAt(), s.rememberMe()));
    }

    /**
     * The answer to a successful validate, the hottest route: a record, which Jackson writes
     * without looking up each value's type as it does for a map (a third of the route's CPU).
     * Public so that Blackbird (see {@link Json#MAPPER}) can read its fields without reflection.
     */
    public record Valid(boolean success, boolean valid, @JsonProperty("user_id") String userId,
                        @JsonProperty("session_id") String sessionId, @JsonProperty("expires_at") long expiresAt,
                        @JsonProperty("remember_me") boolean rememberMe) {
    }

    private void refresh(ServerRequest req, ServerResponse res) {
        Session current = auth.require(req);
        Session refreshed = sessions.refresh(SessionAuth.token(req).orElseThrow(), current);
        HttpJson.ok(res, Json.fields("success", true, "session_id", refreshed.sessionId(), "expires_at", refreshed.expiresAt()));
    }

    private void logout(ServerRequest req, ServerResponse res) {
        Session current = auth.require(req);
        sessions.revoke(current.sessionId(), "logout");
        HttpJson.ok(res, Json.fields("success", true, "message", "Logged out"));
    }

    private void logoutAll(ServerRequest req, ServerResponse res) {
        Session current = auth.require(req);
        int revoked = sessions.revokeAll(current.userId(), "logout-all");
        HttpJson.ok(res, Json.fields("success", true, "revoked", revoked));
    }

    private void stats(ServerRequest req, ServerResponse res) {
        Session current = auth.require(req);
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("store", storeName);
        SessionStore.Counts counts = sessions.counts(current.userId());
        stats.put("active_sessions", counts.sessions());
        stats.put("active_users", counts.users());
        stats.put("user_sessions", counts.forUser());
        HttpJson.ok(res, Json.fields("success", true, "stats", stats));
    }

    /**
     * The caller's sessions, a page at a time ({@code cursor}, {@code limit} 1-1000, default 100,
     * {@code next_cursor} while more follow), in the store's order; {@code count} is all of them.
     */
    private void list(ServerRequest req, ServerResponse res) {
        Session current = auth.require(req);
        int cursor = HttpJson.pageCursor(req);
        int limit = HttpJson.pageLimit(req);
        Page<Session> page = sessions.listForUser(current.userId(), cursor, limit);
        List<SessionViews.Owner> items = page.items().stream()
                .map(s -> SessionViews.Owner.of(s, s.sessionId().equals(current.sessionId())))
                .toList();
        HttpJson.ok(res, Json.fields("success", true, "sessions", items, "count", page.count(),
                "next_cursor", page.nextCursor()));
    }

    private void revokeOne(ServerRequest req, ServerResponse res) {
        Session current = auth.require(req);
        String sessionId = req.path().pathParameters().get("session_id");
        if (!sessions.revokeOwn(current, sessionId, "revoked")) {
            throw ApiException.notFound("No such session");
        }
        HttpJson.ok(res, Json.fields("success", true, "session_id", sessionId, "current", sessionId.equals(current.sessionId())));
    }
}
