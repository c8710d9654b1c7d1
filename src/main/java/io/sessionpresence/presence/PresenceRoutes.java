package io.sessionpresence.presence;

import io.helidon.metrics.api.Counter;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sessionpresence.http.HttpJson;
import io.sessionpresence.json.Json;
import io.sessionpresence.session.SessionAuth;

/**
 * {@code POST /api/heartbeat}: a user is here, on this page.
 *
 * <p>A heartbeat with {@code "leaving":true} is a goodbye: the visitor's presence entry is removed
 * at once (a {@code user_logout} event) instead of waiting for its TTL. Browsers send it with
 * {@code navigator.sendBeacon} when a page goes away; a beacon cannot set headers, so its session
 * token may come in the body as {@code "session_token"} (the body is JSON whatever the
 * {@code Content-Type}, so the beacon's {@code text/plain} needs no CORS preflight).
 *
 * @param heartbeats counts the heartbeats recorded (goodbyes are not heartbeats)
 */
public record PresenceRoutes(HttpVisitors visitors, long maxBodyBytes, Counter heartbeats) implements HttpService {
    static final Object SUCCESS = Json.fields("status", "success");

    @Override
    public void routing(HttpRules rules) {
        rules.post("/heartbeat", this::heartbeat);
    }

    private void heartbeat(ServerRequest req, ServerResponse res) {
        HeartbeatBody body = HeartbeatBody.from(HttpJson.readObject(req, maxBodyBytes, true));
        Visitor visitor = visitors.of(req, SessionAuth.token(req).or(body::sessionToken), body.user());
        if (body.leaving()) {
            visitors.presence().logout(visitor);
        } else {
            visitors.presence().heartbeat(visitor, body.page());
            heartbeats.increment();
        }
        HttpJson.ok(res, SUCCESS);
    }
}
