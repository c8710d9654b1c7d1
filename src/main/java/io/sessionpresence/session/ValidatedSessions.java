package io.sessionpresence.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.helidon.config.Config;
import io.sessionpresence.config.Settings;
import io.sessionpresence.events.AdminEvent;
import io.sessionpresence.events.AdminEvents;
import io.sessionpresence.metrics.ServiceMetrics;

/**
 * The near cache of validates ({@code session.near-cache-ms}, off by default): sessions this
 * instance validated in the last few seconds, answered again without a Redis round trip. What
 * bounds how stale an answer can be:
 * <ul>
 * <li>no entry outlives {@code near-cache-ms} after the store read it came from, nor its
 *     session's expiry;</li>
 * <li>the events that end or change a session ({@code session_terminated}, {@code sessions_revoked},
 *     {@code session_expired}, {@code session_refreshed}), which every instance receives, drop its
 *     entry; on the instance that made the change, at once;</li>
 * <li>a read that raced with such an event is not kept ({@link #beforeRead}), so a drop always wins;</li>
 * <li>everything is dropped as soon as a connection to Redis drops, and again when the event
 *     subscription is made again: events may have been missed in between.</li>
 * </ul>
 * An entry used again in the last quarter of its life is <em>renewed</em>: read again in the
 * background, together with every other entry due (one round trip for all of them), while it
 * still answers. A session in steady use is then never a miss on the request path, and a
 * renewal costs a share of one pipelined read where a miss cost a read of its own.
 *
 * <p>With {@code session.idle-timeout} every validate must record its use in the store, so the
 * cache stays off.
 */
public final class ValidatedSessions {
    private static final Logger LOG = Logger.getLogger(ValidatedSessions.class.getName());
    /** How long renewals due gather before they are read together. */
    private static final long GATHER_MILLIS = 10;
    /** The most sessions one renewal read asks for. */
    private static final int MAX_RENEWED_PER_READ = 256;

    /** @param readAt {@link System#nanoTime()} before the store read this entry came from */
    private record Entry(byte[] secretHash, Session session, long readAt, AtomicBoolean renewing) {
    }

    private final Cache<String, Entry> entries;
    private final long ttlNanos;
    private final InstantSource clock;
    /** Counts drops: a read that saw it change may have read a session being ended. */
    private final AtomicLong drops = new AtomicLong();
    private final Queue<SessionStore.TokenHash> due = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean renewalScheduled = new AtomicBoolean();
    private final ServiceMetrics.NearCache counts;
    private volatile SessionStore store;

    private ValidatedSessions(Duration ttl, long maxEntries, InstantSource clock, ServiceMetrics.NearCache counts) {
        this.counts = counts;
        this.ttlNanos = ttl.toNanos();
        this.entries = ttl.isZero() ? null : Caffeine.newBuilder().expireAfter(new Expiry<String, Entry>() {
            @Override
            public long expireAfterCreate(String id, Entry entry, long now) {
                return Math.max(0, entry.readAt() + ttlNanos - now);
            }

            @Override
            public long expireAfterUpdate(String id, Entry entry, long now, long left) {
                return expireAfterCreate(id, entry, now);
            }

            @Override
            public long expireAfterRead(String id, Entry entry, long now, long left) {
                return left;
            }
        }).maximumSize(maxEntries).build();
        this.clock = clock;
    }

    public static ValidatedSessions off() {
        return new ValidatedSessions(Duration.ZERO, 0, InstantSource.system(), null);
    }

    /** From {@code session.near-cache-ms} and {@code session.near-cache-max-entries}; off with an idle timeout. */
    public static ValidatedSessions from(Config root, InstantSource clock, ServiceMetrics metrics) {
        long millis = Settings.intValue(root, "session.near-cache-ms", 0);
        boolean idle = SessionSettings.from(root).idleTimeoutMillis() > 0;
        return new ValidatedSessions(Duration.ofMillis(idle ? 0 : millis),
                Settings.intValue(root, "session.near-cache-max-entries", 1), clock, metrics.nearCache());
    }

    public boolean enabled() {
        return entries != null;
    }

    /** The store whose sessions these are: entries due are renewed from it. */
    void renewFrom(SessionStore sessions) {
        this.store = sessions;
    }

    /** The cached live session {@code sessionId} if {@code secretHash} is its secret's. */
    Optional<Session> get(String sessionId, String secretHash) {
        if (entries == null) {
            return Optional.empty();
        }
        Entry entry = entries.getIfPresent(sessionId);
        if (entry == null || !MessageDigest.isEqual(entry.secretHash(), bytes(secretHash))
                || entry.session().expiresAt() <= clock.millis()) {
            counts.misses().increment();
            return Optional.empty();
        }
        counts.hits().increment();
        if (store != null && System.nanoTime() - entry.readAt() >= ttlNanos / 4 * 3
                && entry.renewing().compareAndSet(false, true)) {
            due.add(new SessionStore.TokenHash(sessionId, secretHash));
            scheduleRenewal();
        }
        return Optional.of(entry.session());
    }

    /** Taken before a store read; {@link #keep} keeps what it read only if nothing was dropped since. */
    long beforeRead() {
        return drops.get();
    }

    /** @param readAt {@link #beforeRead()} taken before the read; the entry's life counts from now */
    void keep(long readAt, String secretHash, Session session) {
        keep(readAt, System.nanoTime(), secretHash, session);
    }

    private void keep(long readAt, long readNanos, String secretHash, Session session) {
        if (entries != null && drops.get() == readAt) {
            entries.put(session.sessionId(), new Entry(bytes(secretHash), session, readNanos, new AtomicBoolean()));
        }
    }

    private void scheduleRenewal() {
        if (renewalScheduled.compareAndSet(false, true)) {
            Thread.ofVirtual().name("near-cache-renewal").start(this::renewDue);
        }
    }

    private void renewDue() {
        try {
            Thread.sleep(GATHER_MILLIS);
            List<SessionStore.TokenHash> batch = new ArrayList<>();
            SessionStore.TokenHash next;
            while ((next = due.poll()) != null) {
                batch.add(next);
                if (batch.size() == MAX_RENEWED_PER_READ) {
                    renew(batch);
                    batch = new ArrayList<>();
                }
            }
            if (!batch.isEmpty()) {
                renew(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            renewalScheduled.set(false);
            if (!due.isEmpty()) {
                scheduleRenewal();
            }
        }
    }

    /** Reads {@code batch} again; what is gone from the store is dropped. A failed read leaves entries to their bound. */
    private void renew(List<SessionStore.TokenHash> batch) {
        long readAt = beforeRead();
        long readNanos = System.nanoTime();
        List<Optional<Session>> found;
        try {
            found = store.findAllByToken(batch);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "near cache: renewing " + batch.size() + " entries failed; they expire on time", e);
            return;
        }
        List<String> gone = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            SessionStore.TokenHash token = batch.get(i);
            if (found.get(i).isPresent()) {
                keep(readAt, readNanos, token.secretHash(), found.get(i).get());
            } else {
                gone.add(token.sessionId());
            }
        }
        // After the keeps: each drop counts as a change that voids reads in flight, this one's included.
        gone.forEach(this::forget);
        counts.renewed().increment(batch.size());
    }

    void forget(String sessionId) {
        if (entries != null) {
            drops.incrementAndGet();
            entries.invalidate(sessionId);
        }
    }

    /** Drops everything: a connection to Redis dropped or the subscription was made again, and events may have been missed. */
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
