package io.sessionpresence.session;

import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.sessionpresence.events.AdminEvent;
import io.sessionpresence.events.AdminEvents;
import io.sessionpresence.http.ApiException;
import io.sessionpresence.metrics.ServiceMetrics;
import io.sessionpresence.store.Page;

/**
 * Session lifecycle: create, validate, refresh, revoke. Owns the rules (lifetimes, caps,
 * per-user limit); the store only keeps entries.
 */
public final class SessionService {
    /** A new session and the token that was handed out for it (the only time it exists in clear). */
    public record Created(String token, Session session) {
    }

    private final SessionStore store;
    private final SessionSettings settings;
    private final AdminEvents events;
    private final InstantSource clock;
    private final ServiceMetrics metrics;

    /** @param clock what sessions are stamped with and expire by: the clock of {@code store} */
    public SessionService(SessionStore store, SessionSettings settings, AdminEvents events, InstantSource clock,
                          ServiceMetrics metrics) {
        this.store = store;
        this.settings = settings;
        this.events = events;
        this.clock = clock;
        this.metrics = metrics;
        store.onExpired(session -> {
            metrics.sessionsExpired().increment();
            events.publishLocal(new AdminEvent(AdminEvents.SESSIONS_UPDATE, SessionViews.event("session_expired", session)));
        });
    }

    /** A page of live sessions, most recently expiring first; {@code offset} is the cursor. */
    public List<Session> page(int offset, int limit) {
        return store.page(offset, limit);
    }

    /** The live session with this public id (a socket re-reading its own session). */
    public Optional<Session> find(String sessionId) {
        return store.findById(sessionId);
    }

    /** One page of a user's live sessions, soonest expiry first. */
    public Page<Session> listForUser(String userId, int cursor, int limit) {
        return store.listForUser(userId, cursor, limit);
    }

    /** Live sessions in the store. */
    public long countSessions() {
        return store.countSessions();
    }

    /** Users with at least one live session. */
    public long countUsers() {
        return store.countUsers();
    }

    public long countForUser(String userId) {
        return store.countForUser(userId);
    }

    /**
     * Ends one of {@code owner}'s own sessions; false when {@code sessionId} names no live session
     * of that user (someone else's answers like an unknown one: ids are not an oracle).
     */
    public boolean revokeOwn(Session owner, String sessionId, String reason) {
        boolean own = store.findById(sessionId).filter(s -> s.userId().equals(owner.userId())).isPresent();
        return own && revoke(sessionId, reason).isPresent();
    }

    public Created create(String userId, boolean rememberMe, String userAgent, String ip) {
        long now = clock.millis();
        String token = Tokens.newToken();
        long expiresAt = settings.capExpiry(now, now + settings.lifetimeMillis(rememberMe));
        Session session = new Session(Tokens.newSessionId(), userId, now, expiresAt, now, rememberMe, userAgent, ip);
        SessionStore.CreateResult result = store.create(Tokens.hash(token), session, settings.maxPerUser(),
                settings.limitPolicy());
        if (!result.created()) {
            throw ApiException.conflict("Session limit reached: at most " + settings.maxPerUser()
                    + " sessions per user; log out elsewhere first");
        }
        metrics.sessionsCreated().increment();
        metrics.sessionsRevoked().increment(result.evictedSessionIds().size());
        result.evictedSessionIds().forEach(id -> publish("session_terminated", id, userId, "limit"));
        events.publish(new AdminEvent(AdminEvents.SESSIONS_UPDATE, SessionViews.event("session_created", session)));
        return new Created(token, session);
    }

    /** The live session for a token; empty for unknown, expired or malformed tokens. */
    public Optional<Session> validate(String token) {
        if (!Tokens.looksLikeToken(token)) {
            return Optional.empty();
        }
        long start = System.nanoTime();
        try {
            return store.findByTokenHash(Tokens.hash(token));
        } finally {
            metrics.validate().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /** Whether a session read earlier (a connection holds the one it connected with) has ended since. */
    public boolean hasExpired(Session session) {
        return session.expiresAt() <= clock.millis();
    }

    /** How long {@code session} has until its deadline, by this service's clock (0 when past it). */
    public long millisLeft(Session session) {
        return Math.max(0, session.expiresAt() - clock.millis());
    }

    /** Extends a session by its full lifetime again (never shortening it, never past the cap). */
    public Session refresh(String token, Session current) {
        long now = clock.millis();
        long proposed = settings.capExpiry(current.createdAt(), now + settings.lifetimeMillis(current.rememberMe()));
        Session refreshed = current.withExpiry(Math.max(current.expiresAt(), proposed), now);
        if (!store.update(Tokens.hash(token), refreshed)) {
            throw ApiException.unauthorized("Session expired");
        }
        metrics.sessionsRefreshed().increment();
        // Open sockets of this session, on every instance, watch its deadline: they re-read it.
        events.publish(new AdminEvent(AdminEvents.SESSIONS_UPDATE, SessionViews.event("session_refreshed", refreshed)));
        return refreshed;
    }

    /** Ends a live session and announces it; the session that was ended, if there was one. */
    public Optional<Session> revoke(String sessionId, String reason) {
        Optional<Session> removed = store.delete(sessionId);
        removed.ifPresent(s -> {
            metrics.sessionsRevoked().increment();
            announceTerminated(s.sessionId(), s.userId(), reason);
        });
        return removed;
    }

    /**
     * Announces {@code session_terminated} for a session that had no live entry here (only
     * tracked activity), in the same shape as for a live one.
     */
    public void announceTerminated(String sessionId, String userId, String reason) {
        publish("session_terminated", sessionId, userId, reason);
    }

    public int revokeAll(String userId, String reason) {
        List<Session> removed = store.deleteAllForUser(userId);
        metrics.sessionsRevoked().increment(removed.size());
        if (!removed.isEmpty()) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("type", "sessions_revoked");
            data.put("user", userId);
            data.put("count", removed.size());
            data.put("session_ids", removed.stream().map(Session::sessionId).toList());
            data.put("reason", reason);
            events.publish(new AdminEvent(AdminEvents.SESSIONS_UPDATE, data));
        }
        return removed.size();
    }

    private void publish(String type, String sessionId, String userId, String reason) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("type", type);
        data.put("session_id", sessionId);
        data.put("sid", sessionId);
        data.put("user", userId);
        data.put("reason", reason);
        events.publish(new AdminEvent(AdminEvents.SESSIONS_UPDATE, data));
    }
}
