package io.sessionpresence.presence;

import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sessionpresence.http.ApiException;
import io.sessionpresence.http.ClientInfo;
import io.sessionpresence.http.Json;
import io.sessionpresence.session.Session;
import io.sessionpresence.session.SessionAuth;

/**
 * Seed 000's HTTP presence routes: {@code POST /api/heartbeat} and {@code POST /api/session/update}.
 * A session token, when sent, must be valid (a stale token gets 401 rather than silently
 * downgrading to an unverified claim).
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

    private Visitor visitor(ServerRequest req, ObjectNode body) {
        Optional<Session> session = SessionAuth.token(req).isPresent() ? Optional.of(auth.require(req)) : Optional.empty();
        return presence.visitor(session, Json.optString(body, "user", 256), clients.ip(req), ClientInfo.userAgent(req));
    }

    private void heartbeat(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.readObject(req, maxBodyBytes, true);
        String page = Json.optString(body, "page", 2048).orElse("");
        presence.heartbeat(visitor(req, body), page);
        Json.ok(res, SUCCESS);
    }

    private void sessionUpdate(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.readObject(req, maxBodyBytes, false);
        String sid = Json.optString(body, "sid", 256).filter(s -> !s.isBlank())
                .orElseThrow(() -> ApiException.badRequest("Session ID required"));
        presence.recordActivity(visitor(req, body), sid);
        Json.ok(res, SUCCESS);
    }
}
