package io.sessionpresence.presence;

import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sessionpresence.http.ApiException;
import io.sessionpresence.http.ClientInfo;
import io.sessionpresence.http.HttpJson;
import io.sessionpresence.json.Json;
import io.sessionpresence.session.Session;
import io.sessionpresence.session.SessionAuth;

/**
 * Seed 000's HTTP presence routes: {@code POST /api/heartbeat} and {@code POST /api/session/update}.
 * A session token, when sent, must be valid (a stale token gets 401 rather than silently
 * downgrading to an unverified claim).
 *
 * <p>A heartbeat with {@code "leaving":true} is a goodbye: the visitor's presence entry is removed
 * at once (a {@code user_logout} event) instead of waiting for its TTL. Browsers send it with
 * {@code navigator.sendBeacon} when a page goes away; a beacon cannot set headers, so its session
 * token may come in the body as {@code "session_token"} (the body is JSON whatever the
 * {@code Content-Type}, so the beacon's {@code text/plain} needs no CORS preflight).
 */
public final class PresenceRoutes implements HttpService {
    private static final Object SUCCESS = Json.fields("status", "success");

    private final PresenceService presence;
    private final SessionAuth auth;
    private final ClientInfo clients;
    private final long maxBodyBytes;

    public PresenceRoutes(PresenceService presence, SessionAuth auth, ClientInfo clients, long maxBodyBytes) {
        this.presence = presence;
        this.auth = auth;
        this.clients = clients;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/heartbeat", this::heartbeat)
                .post("/session/update", this::sessionUpdate);
    }

    private Visitor visitor(ServerRequest req, ObjectNode body, Optional<String> token) {
        Optional<Session> session = token.map(auth::require);
        return presence.visitor(session, HttpJson.optString(body, "user", 256), clients.ip(req), ClientInfo.userAgent(req));
    }

    private void heartbeat(ServerRequest req, ServerResponse res) {
        ObjectNode body = HttpJson.readObject(req, maxBodyBytes, true);
        String page = HttpJson.optString(body, "page", 2048).orElse("");
        Optional<String> token = SessionAuth.token(req)
                .or(() -> HttpJson.optString(body, "session_token", 256).filter(t -> !t.isBlank()));
        Visitor visitor = visitor(req, body, token);
        if (HttpJson.optBoolean(body, "leaving", false)) {
            presence.logout(visitor);
        } else {
            presence.heartbeat(visitor, page);
        }
        HttpJson.ok(res, SUCCESS);
    }

    private void sessionUpdate(ServerRequest req, ServerResponse res) {
        ObjectNode body = HttpJson.readObject(req, maxBodyBytes, false);
        // Only an empty sid is missing: any other, spaces included, is kept exactly as sent.
        String sid = HttpJson.optString(body, "sid", PresenceService.MAX_SID).filter(s -> !s.isEmpty())
                .orElseThrow(() -> ApiException.badRequest("Session ID required"));
        Visitor visitor = visitor(req, body, SessionAuth.token(req));
        // With a session the activity is that session's: another sid would be recorded under a
        // name the caller did not send, or would overwrite another session's entry.
        if (visitor.sessionId() != null && !visitor.sessionId().equals(sid)) {
            throw ApiException.badRequest("With a session token, 'sid' must be that session's id ("
                    + "the 'session_id' that /api/session/create returned), or send no token");
        }
        presence.recordActivity(visitor, sid);
        HttpJson.ok(res, SUCCESS);
    }
}
