package io.sessionpresence.presence;

import java.util.Optional;

import io.helidon.webserver.http.ServerRequest;
import io.sessionpresence.http.ClientInfo;
import io.sessionpresence.session.SessionAuth;

/**
 * Who an HTTP request reports presence for: the session its token names (a token that is sent
 * must be valid: a stale one gets 401 rather than silently downgrading to an unverified claim),
 * else the user the body claims, under {@link PresenceService#visitor}'s rule.
 */
record HttpVisitors(PresenceService presence, SessionAuth auth, ClientInfo clients) {
    Visitor of(ServerRequest req, Optional<String> token, Optional<String> claimedUser) {
        return presence.visitor(token.map(auth::require), claimedUser, clients.ip(req), ClientInfo.userAgent(req));
    }
}
