package io.sessionpresence.presence;

import java.util.Optional;

import io.helidon.webserver.http.ServerRequest;
import io.sessionpresence.http.ClientInfo;
import io.sessionpresence.limits.Limits;
import io.sessionpresence.session.SessionAuth;

/**
 * Who an HTTP request reports presence for: the session its token names (a token that is sent
 * must be valid: a stale one gets 401 rather than silently downgrading to an unverified claim),
 * else the user the body claims, under {@link PresenceService#visitor}'s rule. A request without a
 * token counts against its address's limit of anonymous requests. Shared by the presence routes.
 */
public record HttpVisitors(PresenceService presence, SessionAuth auth, ClientInfo clients, Limits limits) {
    Visitor of(ServerRequest req, Optional<String> token, Optional<String> claimedUser) {
        String ip = clients.ip(req);
        if (token.isEmpty()) {
            limits.anonymous(ip);
        }
        return presence.visitor(token.map(t -> auth.require(req, t)), claimedUser, ip, ClientInfo.userAgent(req));
    }
}
