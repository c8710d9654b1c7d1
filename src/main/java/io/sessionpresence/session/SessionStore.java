package io.sessionpresence.session;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import io.sessionpresence.limits.ScriptedLimit;
import io.sessionpresence.store.Page;

/**
 * Where sessions live, by public session id, each with the hash of its token's secret
 * ({@link Tokens#hash}); a raw token never reaches a store. Implementations:
 * {@link RedisSessionStore} and {@link MemorySessionStore}, with the same semantics: every
 * session expires on its own at {@link Session#expiresAt()} (or earlier after
 * {@code idleTimeoutMillis} without a read, when configured). Each store announces the changes it
 * makes ({@link SessionEvents}: created, refreshed, terminated, revoked) on the admin events it was
 * built with; expiry goes to {@link #onExpired} listeners on one instance.
 */
public interface SessionStore {

    /**
     * What {@link #create} did: created (evicting these sessions to make room), refused by the
     * per-user limit, or refused by the login limit for {@code limitedNanos}.
     */
    record CreateResult(boolean created, List<String> evictedSessionIds, long limitedNanos) {
        static CreateResult created(List<String> evictedSessionIds) {
            return new CreateResult(true, evictedSessionIds, 0);
        }

        static CreateResult rejected() {
            return new CreateResult(false, List.of(), 0);
        }

        static CreateResult limited(long nanos) {
            return new CreateResult(false, List.of(), nanos);
        }
    }

    /** Live sessions in the store, users with one, and one user's: one read for the stats routes. */
    record Counts(long sessions, long users, long forUser) {
    }

    /**
     * Stores a new session, atomically enforcing {@code maxPerUser} (0 = unlimited) across every
     * instance sharing the store: with {@link LimitPolicy#REJECT_NEW} nothing is stored when the
     * user is at the limit; with {@link LimitPolicy#EVICT_OLDEST} the sessions closest to expiry
     * are removed to make room ({@code session_terminated}, reason {@code limit}). A
     * {@code loginLimit} is taken first, in the same step (only a store in Redis is given one).
     */
    CreateResult create(String secretHash, Session session, int maxPerUser, LimitPolicy policy,
                        Optional<ScriptedLimit> loginLimit);

    /** The live session {@code sessionId} if its secret's hash is {@code secretHash}. The hot path: one Redis round trip. */
    Optional<Session> findByToken(String sessionId, String secretHash);

    /** A session id and the hash of its token's secret: what {@link #findAllByToken} looks up. */
    record TokenHash(String sessionId, String secretHash) {
    }

    /**
     * {@link #findByToken} of each, in order, read together: how the near cache of validates
     * ({@link ValidatedSessions}) renews its entries. Redis: one round trip for all of them.
     */
    default List<Optional<Session>> findAllByToken(List<TokenHash> tokens) {
        return tokens.stream().map(token -> findByToken(token.sessionId(), token.secretHash())).toList();
    }

    /** The session with this public id, if live; counts as use of it ({@code session.idle-timeout}), as a validate does. */
    Optional<Session> findById(String sessionId);

    /** Replaces a live session (same id and secret), re-arming its TTL to its new expiry; announces {@code session_refreshed}. */
    boolean update(String secretHash, Session session);

    /** Ends one session by public id, announcing {@code session_terminated} for {@code reason}; returns it if it was live. */
    Optional<Session> delete(String sessionId, String reason);

    /** Ends every session of a user, announcing {@code sessions_revoked} for {@code reason}; returns the ones ended. */
    List<Session> deleteAllForUser(String userId, String reason);

    /**
     * One page of a user's live sessions, soonest expiry first (the order of the per-user index),
     * read page by page: however many a user has, a page costs what its own entries cost.
     * {@code count} is the user's live session ids.
     */
    Page<Session> listForUser(String userId, int cursor, int limit);

    /** Live sessions in the store (expired-but-not-yet-evicted entries are not counted). */
    long countSessions();

    /** Users with at least one live session. */
    long countUsers();

    /** {@link #countSessions}, {@link #countUsers} and {@code userId}'s live sessions (0 for a null user) at once. */
    Counts counts(String userId);

    /** A page of live sessions, most recently expiring first, with their count; {@code offset} is the cursor. */
    Page<Session> page(int offset, int limit);

    /**
     * Called when a session ends by expiry (TTL or idle), from the store's own expiry, on the one
     * instance that removed it (in Redis: whichever instance's sweep took it).
     */
    void onExpired(Consumer<Session> listener);
}
