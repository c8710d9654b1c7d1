package io.sessionpresence.presence;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sessionpresence.http.ApiException;
import io.sessionpresence.http.HttpJson;
import io.sessionpresence.session.SessionAuth;

/**
 * {@code POST /api/session/update}: tracked session activity, the presence tracker's sessions (an
 * entry per {@code sid}, listed by {@code GET /admin/sessions/redis}), which are not login sessions
 * although the path says so.
 */
public record ActivityRoutes(HttpVisitors visitors, long maxBodyBytes) implements HttpService {

    @Override
    public void routing(HttpRules rules) {
        rules.post("/update", this::update);
    }

    private void update(ServerRequest req, ServerResponse res) {
        SessionUpdateBody body = SessionUpdateBody.from(HttpJson.readObject(req, maxBodyBytes, false));
        Visitor visitor = visitors.of(req, SessionAuth.token(req), body.user());
        // With a session the activity is that session's: another sid would be recorded under a
        // name the caller did not send, or would overwrite another session's entry.
        if (visitor.sessionId() != null && !visitor.sessionId().equals(body.sid())) {
            throw ApiException.badRequest("With a session token, 'sid' must be that session's id ("
                    + "the 'session_id' that /api/session/create returned), or send no token");
        }
        visitors.presence().recordActivity(visitor, body.sid());
        HttpJson.ok(res, PresenceRoutes.SUCCESS);
    }
}
