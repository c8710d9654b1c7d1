package io.sessionpresence.presence;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.logging.Logger;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.sessionpresence.http.ClientInfo;
import io.sessionpresence.session.SessionAuth;
import io.sessionpresence.session.SessionService;

/**
 * The presence tracker's presence decorator as a filter: a request on a tracked path that carries a valid
 * session refreshes that user's presence and session activity. The work (session lookup and
 * writes) runs after the response is sent, on a virtual thread, at most {@value #MAX_IN_FLIGHT}
 * at once; beyond that updates are skipped (the next request refreshes presence anyway), so the
 * response path never waits on Redis for this.
 */
public final class PresenceFilter implements Filter {
    private static final Logger LOG = Logger.getLogger(PresenceFilter.class.getName());
    private static final int MAX_IN_FLIGHT = 64;

    private final List<String> trackedPrefixes;
    private final SessionService sessions;
    private final PresenceService presence;
    private final ClientInfo clients;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);

    public PresenceFilter(List<String> trackedPrefixes, SessionService sessions, PresenceService presence,
                          ClientInfo clients) {
        this.trackedPrefixes = List.copyOf(trackedPrefixes);
        this.sessions = sessions;
        this.presence = presence;
        this.clients = clients;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        Optional<String> token = tracked(path) ? SessionAuth.token(req) : Optional.empty();
        if (token.isEmpty()) {
            chain.proceed();
            return;
        }
        String ip = clients.ip(req);
        String ua = ClientInfo.userAgent(req);
        chain.proceed();
        if (!inFlight.tryAcquire()) {
            return;
        }
        Thread.ofVirtual().start(() -> {
            try {
                sessions.validate(token.get()).ifPresent(session -> {
                    Visitor visitor = new Visitor(session.userId(), session.sessionId(), true, ip, ua);
                    presence.heartbeat(visitor, path);
                    presence.recordActivity(visitor, session.sessionId());
                });
            } catch (RuntimeException e) {
                LOG.fine(() -> "presence refresh skipped: " + e.getClass().getSimpleName());
            } finally {
                inFlight.release();
            }
        });
    }

    private boolean tracked(String path) {
        for (String prefix : trackedPrefixes) {
            if (path.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
