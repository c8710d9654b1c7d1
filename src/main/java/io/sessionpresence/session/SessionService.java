package io.sessionpresence.session;

import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.sessionpresence.events.AdminEvents;
import io.sessionpresence.http.ApiException;
import io.sessionpresence.limits.Limits;
import io.sessionpresence.limits.ScriptedLimit;
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
    private final ValidatedSessions validated;

    /** @param clock what sessions are stamped with and expire by: the clock of {@code store} */
    public SessionService(SessionStore store, SessionSettings settings, AdminEvents events, InstantSource clock,
                          ServiceMetrics metrics) {
        this(store, settings, events, clock, metrics, ValidatedSessions.off());
    }

    /** @param validated the near cache of validates, which this service keeps right for its own changes */
    public SessionService(SessionStore store, SessionSettings settings, AdminEvents events, InstantSource clock,
                          ServiceMetrics metrics, ValidatedSessions validated) {
        this.validated = validated;
        validated.renewFrom(store);
        this.store = store;
        this.settings = settings;
        this.events = events;
        this.clock = clock;
        this.metrics = metrics;
        // A store hands each expiry to one instance: its event goes to every instance's admin room.
        store.onExpired(session -> {
            metrics.sessionsExpired().increment();
            events.publish(SessionEvents.about(SessionEvents.EXPIRED, session));
        });
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

    /** The live sessions, the users with one, and {@code userId}'s sessions (0 for null), read together. */
    public SessionStore.Counts counts(String userId) {
        return store.counts(userId);
    }

    /**
     * Ends one of {@code owner}'s own sessions; false when {@code sessionId} names no live session
     * of that user (someone else's answers like an unknown one: ids are not an oracle).
     */
    public boolean revokeOwn(Session owner, String sessionId, String reason) {
        // A session id starts with its user's key: whether it is the owner's needs no read.
        boolean own = Tokens.isSessionId(sessionId) && Tokens.userKeyOf(sessionId).equals(Tokens.userKey(owner.userId()));
        return own && revoke(sessionId, reason).isPresent();
    }

    public Created create(String userId, boolean rememberMe, String userAgent, String ip) {
        return create(userId, rememberMe, userAgent, ip, Optional.empty());
    }

    /** @param loginLimit the per-user login limit for the store to take in the same step ({@link Limits#sessionCreateFor}) */
    public Created create(String userId, boolean rememberMe, String userAgent, String ip,
                          Optional<ScriptedLimit> loginLimit) {
        long now = clock.millis();
        long expiresAt = settings.capExpiry(now, now + settings.lifetimeMillis(rememberMe));
        Session session = new Session(Tokens.newSessionId(userId), userId, now, expiresAt, now, rememberMe, userAgent, ip);
        String token = Tokens.newToken(session.sessionId());
        SessionStore.CreateResult result = store.create(Tokens.hashOfSecret(token), session, settings.maxPerUser(),
                settings.limitPolicy(), loginLimit);
        if (result.limitedNanos() > 0) {
            throw Limits.loginRefused(result.limitedNanos());
        }
        if (!result.created()) {
            throw ApiException.conflict("Session limit reached: at most " + settings.maxPerUser()
                    + " sessions per user; log out elsewhere first");
        }
        metrics.sessionsCreated().increment();
        metrics.sessionsRevoked().increment(result.evictedSessionIds().size());
        return new Created(token, session);
    }

    /** The live session for a token; empty for unknown, expired or malformed tokens. */
    public Optional<Session> validate(String token) {
        Optional<Tokens.Parsed> parsed = Tokens.parse(token);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        long start = System.nanoTime();
        try {
            String sessionId = parsed.get().sessionId();
            String secretHash = Tokens.hash(parsed.get().secret());
            Optional<Session> cached = validated.get(sessionId, secretHash);
            if (cached.isPresent()) {
                return cached;
            }
            long readAt = validated.beforeRead();
            Optional<Session> found = store.findByToken(sessionId, secretHash);
            found.ifPresent(session -> validated.keep(readAt, secretHash, session));
            return found;
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
        // The store announces session_refreshed: open sockets of this session, on every instance, re-read it.
        boolean updated = store.update(Tokens.hashOfSecret(token), refreshed);
        // After the change: a validate that read before it is then not kept (ValidatedSessions#keep).
        validated.forget(current.sessionId());
        if (!updated) {
            throw ApiException.unauthorized("Session expired");
        }
        metrics.sessionsRefreshed().increment();
        return refreshed;
    }

    /** Ends a live session and announces it; the session that was ended, if there was one. */
    public Optional<Session> revoke(String sessionId, String reason) {
        Optional<Session> removed = store.delete(sessionId, reason);
        validated.forget(sessionId);
        removed.ifPresent(s -> metrics.sessionsRevoked().increment());
        return removed;
    }

    /**
     * Announces {@code session_terminated} for a session that had no live entry here (only
     * tracked activity), in the same shape as for a live one.
     */
    public void announceTerminated(String sessionId, String userId, String reason) {
        events.publish(SessionEvents.terminated(sessionId, userId, reason));
    }

    public int revokeAll(String userId, String reason) {
        List<Session> removed = store.deleteAllForUser(userId, reason);
        removed.forEach(session -> validated.forget(session.sessionId()));
        metrics.sessionsRevoked().increment(removed.size());
        return removed.size();
    }
}
