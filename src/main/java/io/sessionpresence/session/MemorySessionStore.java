package io.sessionpresence.session;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.sessionpresence.events.AdminEvents;
import io.sessionpresence.limits.ScriptedLimit;
import io.sessionpresence.store.Expiries;
import io.sessionpresence.store.MemoryBudget;
import io.sessionpresence.store.Page;
import io.sessionpresence.store.TimeSource;

/**
 * Sessions in this process, in Caffeine caches whose per-entry expiry is the session's own
 * {@code expiresAt} (and the idle timeout, when set), mirroring {@link RedisSessionStore}.
 * The per-user index is a cache entry per user, updated with {@code compute} so the per-user
 * limit is atomic. Sessions are found by the hash of their token's secret, and a token's session
 * id must match the session found.
 */
public final class MemorySessionStore implements SessionStore {
    private static final Comparator<Session> NEWEST_FIRST = Comparator.comparingLong(Session::expiresAt).reversed()
            .thenComparing(Session::sessionId);

    private record IdEntry(String secretHash, long expiresAt) {
    }

    /** Session ids of one user with their expiry; immutable, replaced on every change. */
    private record UserIndex(Map<String, Long> expiryById, long maxExpiresAt) {
        static UserIndex of(Map<String, Long> expiryById) {
            long max = expiryById.values().stream().mapToLong(Long::longValue).max().orElse(0);
            return new UserIndex(Map.copyOf(expiryById), max);
        }

        Map<String, Long> live(long now) {
            Map<String, Long> live = new HashMap<>();
            expiryById.forEach((id, exp) -> {
                if (exp > now) {
                    live.put(id, exp);
                }
            });
            return live;
        }
    }

    private final List<Consumer<Session>> expiryListeners = new CopyOnWriteArrayList<>();
    private final Cache<String, Session> byToken;
    private final Cache<String, IdEntry> byId;
    private final Cache<String, UserIndex> byUser;
    private final TimeSource time;
    private final MemoryBudget budget;
    private final AdminEvents events;

    /**
     * @param budget the memory store's bound, shared with its other caches; {@code store.memory.max-sessions} bounds these
     * @param events where this store announces its changes
     */
    public MemorySessionStore(long idleTimeoutMillis, TimeSource time, MemoryBudget budget, AdminEvents events) {
        this.time = time;
        this.budget = budget;
        this.events = events;
        this.byToken = budget.track(MemoryBudget.<String, Session>weighed(MemorySessionStore::weigh)
                .ticker(time.ticker())
                .expireAfter(sessionExpiry(idleTimeoutMillis, time))
                .scheduler(time.scheduler())
                .evictionListener((String hash, Session session, RemovalCause cause) -> {
                    if (cause == RemovalCause.EXPIRED && session != null) {
                        expired(session);
                    }
                })
                .build());
        this.byId = Caffeine.newBuilder()
                .ticker(time.ticker())
                .expireAfter(Expiries.<String, IdEntry>atEpochMillis(IdEntry::expiresAt, time.clock()))
                .build();
        this.byUser = Caffeine.newBuilder()
                .ticker(time.ticker())
                .expireAfter(Expiries.<String, UserIndex>atEpochMillis(UserIndex::maxExpiresAt, time.clock()))
                .build();
    }

    private static Expiry<String, Session> sessionExpiry(long idleMillis, TimeSource time) {
        return new Expiry<>() {
            @Override
            public long expireAfterCreate(String key, Session value, long currentTime) {
                return remaining(value);
            }

            @Override
            public long expireAfterUpdate(String key, Session value, long currentTime, long currentDuration) {
                return remaining(value);
            }

            @Override
            public long expireAfterRead(String key, Session value, long currentTime, long currentDuration) {
                return idleMillis > 0 ? remaining(value) : currentDuration;
            }

            private long remaining(Session value) {
                long ttl = Expiries.nanosUntil(value.expiresAt(), time.clock());
                return idleMillis > 0 ? Math.min(ttl, TimeUnit.MILLISECONDS.toNanos(idleMillis)) : ttl;
            }
        };
    }

    /**
     * A session with its secret's hash, and what it also costs in the id cache and the user's index
     * (weighed here, so that one figure bounds all three).
     */
    private static int weigh(String secretHash, Session session) {
        return MemoryBudget.charsBytes(secretHash, secretHash, session.sessionId(), session.sessionId(),
                session.sessionId(), session.userId(), session.userAgent(), session.ip()) + 700;
    }

    /** Stored first, admitted second: a concurrent create that evicts it always finds it to remove. */
    @Override
    public CreateResult create(String secretHash, Session session, int maxPerUser, LimitPolicy policy,
                               Optional<ScriptedLimit> loginLimit) {
        if (loginLimit.isPresent()) {
            throw new IllegalArgumentException("a Redis limit given to the memory store");
        }
        MemoryBudget.admitCount(byToken.estimatedSize(), budget.limits().maxSessions(), "max-sessions");
        budget.admit(weigh(secretHash, session));
        long now = time.millis();
        byToken.put(secretHash, session);
        byId.put(session.sessionId(), new IdEntry(secretHash, session.expiresAt()));
        List<String> evicted = new ArrayList<>();
        AtomicBoolean rejected = new AtomicBoolean();
        byUser.asMap().compute(session.userId(), (user, index) -> {
            Map<String, Long> live = index == null ? new HashMap<>() : index.live(now);
            if (maxPerUser > 0 && live.size() >= maxPerUser) {
                if (policy == LimitPolicy.REJECT_NEW) {
                    rejected.set(true);
                    return live.isEmpty() ? null : UserIndex.of(live);
                }
                live.entrySet().stream()
                        .sorted(Map.Entry.comparingByValue())
                        .limit(live.size() - maxPerUser + 1L)
                        .map(Map.Entry::getKey)
                        .forEach(evicted::add);
                evicted.forEach(live::remove);
            }
            live.put(session.sessionId(), session.expiresAt());
            return UserIndex.of(live);
        });
        if (rejected.get()) {
            removeSession(session.sessionId());
            return CreateResult.rejected();
        }
        evicted.forEach(this::removeSession);
        evicted.forEach(id -> events.publish(SessionEvents.terminated(id, session.userId(), "limit")));
        events.publish(SessionEvents.about(SessionEvents.CREATED, session));
        return CreateResult.created(List.copyOf(evicted));
    }

    /** An idle-expired session leaves its id and index entries before their own expiry: drop them. */
    private void expired(Session session) {
        byId.invalidate(session.sessionId());
        unindex(session.userId(), List.of(session.sessionId()));
        expiryListeners.forEach(l -> l.accept(session));
    }

    @Override
    public void onExpired(Consumer<Session> listener) {
        expiryListeners.add(listener);
    }

    @Override
    public Optional<Session> findByToken(String sessionId, String secretHash) {
        return Optional.ofNullable(byToken.getIfPresent(secretHash)).filter(s -> s.sessionId().equals(sessionId));
    }

    /** A read like a validate's: it counts as use of the session, as on Redis. */
    @Override
    public Optional<Session> findById(String sessionId) {
        return Optional.ofNullable(byId.getIfPresent(sessionId)).map(entry -> byToken.getIfPresent(entry.secretHash()));
    }

    /** A look that is not use: listing a user's sessions does not keep them from idling out. */
    private Optional<Session> peekById(String sessionId) {
        return Optional.ofNullable(byId.getIfPresent(sessionId))
                .map(entry -> byToken.policy().getIfPresentQuietly(entry.secretHash()));
    }

    /**
     * Only re-dates entries that are still there: a logout, revoke or eviction running at the same
     * time may remove the id and index entries between these steps, and putting them back would
     * leave the index counting a session that no longer exists.
     */
    @Override
    public boolean update(String secretHash, Session session) {
        if (byToken.asMap().computeIfPresent(secretHash, (k, old) -> session) == null) {
            return false;
        }
        byId.asMap().computeIfPresent(session.sessionId(), (id, old) -> new IdEntry(secretHash, session.expiresAt()));
        long now = time.millis();
        byUser.asMap().computeIfPresent(session.userId(), (user, index) -> {
            Map<String, Long> live = index.live(now);
            live.computeIfPresent(session.sessionId(), (id, old) -> session.expiresAt());
            return live.isEmpty() ? null : UserIndex.of(live);
        });
        events.publish(SessionEvents.about(SessionEvents.REFRESHED, session));
        return true;
    }

    @Override
    public Optional<Session> delete(String sessionId, String reason) {
        Optional<Session> removed = removeSession(sessionId);
        removed.ifPresent(s -> {
            unindex(s.userId(), List.of(sessionId));
            events.publish(SessionEvents.terminated(sessionId, s.userId(), reason));
        });
        return removed;
    }

    /**
     * The session first, then its id entry, as on Redis: a live session always has its id entry,
     * so an end by id running meanwhile finds what to remove.
     */
    private Optional<Session> removeSession(String sessionId) {
        IdEntry entry = byId.getIfPresent(sessionId);
        if (entry == null) {
            return Optional.empty();
        }
        Optional<Session> removed = Optional.ofNullable(byToken.asMap().remove(entry.secretHash()));
        byId.asMap().remove(sessionId, entry);
        return removed;
    }

    private void unindex(String userId, List<String> sessionIds) {
        long now = time.millis();
        byUser.asMap().computeIfPresent(userId, (user, index) -> {
            Map<String, Long> live = index.live(now);
            sessionIds.forEach(live::remove);
            return live.isEmpty() ? null : UserIndex.of(live);
        });
    }

    @Override
    public List<Session> deleteAllForUser(String userId, String reason) {
        UserIndex index = byUser.asMap().remove(userId);
        if (index == null) {
            return List.of();
        }
        List<Session> removed = new ArrayList<>();
        index.expiryById().keySet().forEach(id -> removeSession(id).ifPresent(removed::add));
        if (!removed.isEmpty()) {
            events.publish(SessionEvents.revoked(userId, removed.stream().map(Session::sessionId).toList(), reason));
        }
        return removed;
    }

    @Override
    public Page<Session> listForUser(String userId, int cursor, int limit) {
        UserIndex index = byUser.getIfPresent(userId);
        if (index == null) {
            return Page.of(List.of(), 0, cursor);
        }
        Map<String, Long> live = index.live(time.millis());
        List<String> ids = live.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .skip(cursor).limit(limit).map(Map.Entry::getKey).toList();
        return Page.of(ids.stream().map(this::peekById).flatMap(Optional::stream).toList(), live.size(), cursor,
                ids.size());
    }

    private long countForUser(String userId) {
        UserIndex index = byUser.getIfPresent(userId);
        return index == null ? 0 : index.live(time.millis()).size();
    }

    @Override
    public long countSessions() {
        byToken.cleanUp();
        return byToken.estimatedSize();
    }

    @Override
    public long countUsers() {
        byUser.cleanUp();
        return byUser.estimatedSize();
    }

    @Override
    public Counts counts(String userId) {
        return new Counts(countSessions(), countUsers(), userId == null ? 0 : countForUser(userId));
    }

    @Override
    public Page<Session> page(int offset, int limit) {
        // Keeps only the offset + limit newest in a heap (O(n log k)) instead of sorting all
        // sessions: admin pages and every admin:snapshot read this.
        int keep = offset + limit;
        PriorityQueue<Session> newest = new PriorityQueue<>(Math.min(keep, 1024) + 1, NEWEST_FIRST.reversed());
        for (Session session : byToken.asMap().values()) {
            newest.add(session);
            if (newest.size() > keep) {
                newest.poll();
            }
        }
        return Page.of(newest.stream().sorted(NEWEST_FIRST).skip(offset).toList(), countSessions(), offset);
    }
}
