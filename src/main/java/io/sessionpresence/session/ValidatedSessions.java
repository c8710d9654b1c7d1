package io.sessionpresence.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.helidon.config.Config;
import io.sessionpresence.config.Settings;
import io.sessionpresence.events.AdminEvent;
import io.sessionpresence.events.AdminEvents;

/**
 * The near cache of validates ({@code session.near-cache-ms}, off by default): sessions this
 * instance validated in the last few hundred milliseconds, answered again without a Redis round
 * trip. What bounds how stale an answer can be:
 * <ul>
 * <li>no entry outlives {@code near-cache-ms} after its read from the store, nor its session's
 *     expiry;</li>
 * <li>the events that end or change a session ({@code session_terminated}, {@code sessions_revoked},
 *     {@code session_expired}, {@code session_refreshed}), which every instance receives, drop its
 *     entry; on the instance that made the change, at once;</li>
 * <li>a read that raced with such an event is not kept ({@link #beforeRead}), so a drop always wins;</li>
 * <li>everything is dropped when the event subscription is made again (after Redis was away,
 *     events may have been missed).</li>
 * </ul>
 * With {@code session.idle-timeout} every validate must record its use in the store, so the
 * cache stays off.
 */
public final class ValidatedSessions {
    private record Entry(byte[] secretHash, Session session) {
    }

    private final Cache<String, Entry> entries;
    private final InstantSource clock;
    /** Counts drops: a read that saw it change may have read a session being ended. */
    private final AtomicLong drops = new AtomicLong();

    private ValidatedSessions(Duration ttl, long maxEntries, InstantSource clock) {
        this.entries = ttl.isZero() ? null : Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(maxEntries).build();
        this.clock = clock;
    }

    public static ValidatedSessions off() {
        return new ValidatedSessions(Duration.ZERO, 0, InstantSource.system());
    }

    /** From {@code session.near-cache-ms} and {@code session.near-cache-max-entries}; off with an idle timeout. */
    public static ValidatedSessions from(Config root, InstantSource clock) {
        long millis = Settings.intValue(root, "session.near-cache-ms", 0);
        boolean idle = SessionSettings.from(root).idleTimeoutMillis() > 0;
        return new ValidatedSessions(Duration.ofMillis(idle ? 0 : millis),
                Settings.intValue(root, "session.near-cache-max-entries", 1), clock);
    }

    public boolean enabled() {
        return entries != null;
    }

    /** The cached live session {@code sessionId} if {@code secretHash} is its secret's. */
    Optional<Session> get(String sessionId, String secretHash) {
        if (entries == null) {
            return Optional.empty();
        }
        Entry entry = entries.getIfPresent(sessionId);
        if (entry == null || !MessageDigest.isEqual(entry.secretHash(), bytes(secretHash))
                || entry.session().expiresAt() <= clock.millis()) {
            return Optional.empty();
        }
        return Optional.of(entry.session());
    }

    /** Taken before a store read; {@link #keep} keeps what it read only if nothing was dropped since. */
    long beforeRead() {
        return drops.get();
    }

    void keep(long readAt, String secretHash, Session session) {
        if (entries != null && drops.get() == readAt) {
            entries.put(session.sessionId(), new Entry(bytes(secretHash), session));
        }
    }

    void forget(String sessionId) {
        if (entries != null) {
            drops.incrementAndGet();
            entries.invalidate(sessionId);
        }
    }

    /** Drops everything: the event subscription was made again, and events may have been missed. */
    public void forgetAll() {
        if (entries != null) {
            drops.incrementAndGet();
            entries.invalidateAll();
        }
    }

    /** Every admin event this instance receives passes here: the ones about sessions drop their entries. */
    public void heard(AdminEvent event) {
        if (entries == null || !AdminEvents.SESSIONS_UPDATE.equals(event.event())) {
            return;
        }
        Map<String, Object> data = event.data();
        if (data.get("session_ids") instanceof Iterable<?> ids) {
            ids.forEach(id -> forget(String.valueOf(id)));
        } else if (data.get("session_id") != null && !SessionEvents.CREATED.equals(data.get("type"))) {
            forget(String.valueOf(data.get("session_id")));
        }
    }

    private static byte[] bytes(String hash) {
        return hash.getBytes(StandardCharsets.US_ASCII);
    }
}
