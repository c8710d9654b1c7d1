package io.sessionpresence.session;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.sessionpresence.json.Json;
import io.sessionpresence.store.RedisBatcher;
import io.sessionpresence.store.Page;
import io.sessionpresence.store.RedisKeys;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RMapCache;
import org.redisson.api.RMapCacheAsync;
import org.redisson.api.RScoredSortedSetAsync;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.api.map.event.EntryExpiredListener;
import org.redisson.api.options.MapCacheOptions;
import org.redisson.client.codec.StringCodec;

/**
 * Sessions in Redis. The key schema and the cost of each call are documented in
 * {@link RedisKeys}; in short: {@code RMapCache} entries with per-entry TTL for the sessions and
 * the id index, and one sorted set per user (scored by expiry) maintained by small Lua scripts so
 * that the per-user limit is atomic across instances.
 */
public final class RedisSessionStore implements SessionStore {
    /** Prune the user's index, enforce the limit, add the new id. Returns {"1", evicted ids...} or {"0"}. */
    private static final String CREATE_SCRIPT = """
            redis.call('zremrangebyscore', KEYS[1], '-inf', ARGV[1])
            redis.call('zremrangebyscore', KEYS[2], '-inf', ARGV[1])
            local max = tonumber(ARGV[4])
            local result = {'1'}
            if max > 0 then
              local n = redis.call('zcard', KEYS[1])
              if n >= max then
                if ARGV[5] == 'reject-new' then return {'0'} end
                local evicted = redis.call('zrange', KEYS[1], 0, n - max)
                redis.call('zrem', KEYS[1], unpack(evicted))
                for _, id in ipairs(evicted) do result[#result + 1] = id end
              end
            end
            redis.call('zadd', KEYS[1], ARGV[3], ARGV[2])
            local top = redis.call('zrange', KEYS[1], -1, -1, 'withscores')
            redis.call('pexpireat', KEYS[1], top[2])
            redis.call('zadd', KEYS[2], top[2], ARGV[6])
            return result
            """;

    /** Set one id's expiry (ARGV[3], ARGV[4]; skipped when empty) and drop ids ARGV[5..]; keep the user's entry in the active set right. */
    private static final String REINDEX_SCRIPT = """
            if #ARGV > 4 then redis.call('zrem', KEYS[1], unpack(ARGV, 5)) end
            if ARGV[3] ~= '' then redis.call('zadd', KEYS[1], 'XX', ARGV[4], ARGV[3]) end
            redis.call('zremrangebyscore', KEYS[1], '-inf', ARGV[1])
            local top = redis.call('zrange', KEYS[1], -1, -1, 'withscores')
            if #top == 0 then
              redis.call('del', KEYS[1])
              redis.call('zrem', KEYS[2], ARGV[2])
            else
              redis.call('pexpireat', KEYS[1], top[2])
              redis.call('zadd', KEYS[2], top[2], ARGV[2])
            end
            return 1
            """;

    /**
     * The validate read, in place of Redisson's {@code RMapCache} get (5 keys, and an HGET of the
     * map's options on every call): KEYS map, its expiry ZSET, its idle ZSET; ARGV now, token hash.
     * Same rules as Redisson's: an entry is live until its expiry, and, when it was written with a
     * maxIdle ({@code session.idle-timeout}), until its idle deadline, which each read pushes to
     * now + maxIdle.
     */
    private static final String GET_SCRIPT = """
            local packed = redis.call('hget', KEYS[1], ARGV[2])
            if packed == false then return nil end
            local maxIdle, value = struct.unpack('dLc0', packed)
            local now = tonumber(ARGV[1])
            local expiry = redis.call('zscore', KEYS[2], ARGV[2])
            if expiry ~= false and tonumber(expiry) <= now then return nil end
            if maxIdle ~= 0 then
              local idle = redis.call('zscore', KEYS[3], ARGV[2])
              if idle ~= false then
                if tonumber(idle) <= now then return nil end
                redis.call('zadd', KEYS[3], maxIdle + now, ARGV[2])
              end
            end
            return value
            """;

    /**
     * Replace a live RMapCache entry, in Redisson's format, and only a live one (the same liveness
     * rules as {@link #GET_SCRIPT}); returns 1 when it did. KEYS: map, its expiry ZSET, its idle ZSET;
     * ARGV: now, field, value, expiry (epoch ms), maxIdle (ms, 0 = none). A refresh writes through
     * this rather than Redisson's put, which would re-create an entry that a concurrent logout,
     * revoke or eviction had just removed: a logged-out token would work again, outside the user's
     * index and limit.
     */
    private static final String REPLACE_LIVE_SCRIPT = """
            local packed = redis.call('hget', KEYS[1], ARGV[2])
            if packed == false then return 0 end
            local now = tonumber(ARGV[1])
            local expiry = redis.call('zscore', KEYS[2], ARGV[2])
            if expiry ~= false and tonumber(expiry) <= now then return 0 end
            if struct.unpack('dLc0', packed) ~= 0 then
              local idle = redis.call('zscore', KEYS[3], ARGV[2])
              if idle ~= false and tonumber(idle) <= now then return 0 end
            end
            local maxIdle = tonumber(ARGV[5])
            redis.call('hset', KEYS[1], ARGV[2], struct.pack('dLc0', maxIdle, string.len(ARGV[3]), ARGV[3]))
            redis.call('zadd', KEYS[2], ARGV[4], ARGV[2])
            if maxIdle ~= 0 then
              redis.call('zadd', KEYS[3], now + maxIdle, ARGV[2])
            else
              redis.call('zrem', KEYS[3], ARGV[2])
            end
            return 1
            """;

    /** Remove a user's whole index; return the ids it held. */
    private static final String TAKE_ALL_SCRIPT = """
            local ids = redis.call('zrange', KEYS[1], 0, -1)
            redis.call('del', KEYS[1])
            redis.call('zrem', KEYS[2], ARGV[1])
            return ids
            """;

    private final RedissonClient redis;
    private final RedisBatcher batcher;
    private final RedisKeys keys;
    private final long idleTimeoutMillis;
    private final InstantSource clock;
    private final RMapCache<String, String> sessions;
    private final RMapCache<String, String> tokenHashById;
    private final RScript script;
    /** The sessions map with Redisson's expiry and idle ZSETs: the keys of {@link #GET_SCRIPT}. */
    private final List<Object> sessionKeys;
    /** The same three keys of the id map, for {@link #REPLACE_LIVE_SCRIPT}. */
    private final List<Object> sessionIdKeys;

    /** @param clock the system clock: Redisson's map cache compares its own entries' deadlines with it */
    public RedisSessionStore(RedissonClient redis, RedisBatcher batcher, RedisKeys keys, long idleTimeoutMillis,
                             InstantSource clock) {
        this.redis = redis;
        this.batcher = batcher;
        this.keys = keys;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.clock = clock;
        this.sessions = redis.getMapCache(options(keys.sessions()));
        this.tokenHashById = redis.getMapCache(options(keys.sessionIds()));
        this.script = redis.getScript(StringCodec.INSTANCE);
        this.sessionKeys = List.of(keys.sessions(), RedisKeys.expiryIndexOf(keys.sessions()),
                RedisKeys.idleIndexOf(keys.sessions()));
        this.sessionIdKeys = List.of(keys.sessionIds(), RedisKeys.expiryIndexOf(keys.sessionIds()),
                RedisKeys.idleIndexOf(keys.sessionIds()));
    }

    private static MapCacheOptions<String, String> options(String name) {
        return MapCacheOptions.<String, String>name(name).codec(StringCodec.INSTANCE);
    }

    /**
     * The session is written first and admitted to the user's index second, so that a concurrent
     * create that evicts it always finds it to remove; a rejected session is deleted again (its
     * token was never handed out).
     */
    @Override
    public CreateResult create(String tokenHash, Session session, int maxPerUser, LimitPolicy policy) {
        long now = clock.millis();
        RBatch batch = redis.createBatch(BatchOptions.defaults());
        putAsync(batch.<String, String>getMapCache(keys.sessions(), StringCodec.INSTANCE), tokenHash, Json.writeString(session), session, now);
        batch.<String, String>getMapCache(keys.sessionIds(), StringCodec.INSTANCE)
                .fastPutAsync(session.sessionId(), tokenHash, session.ttlMillis(now), TimeUnit.MILLISECONDS);
        batch.execute();

        List<String> result = script.eval(RScript.Mode.READ_WRITE, CREATE_SCRIPT, RScript.ReturnType.LIST,
                List.of(keys.userSessions(session.userId()), keys.activeUsers()),
                Long.toString(now), session.sessionId(), Long.toString(session.expiresAt()),
                Integer.toString(maxPerUser), policy.configName(), session.userId());
        if (!"1".equals(result.getFirst())) {
            removeSessions(List.of(session.sessionId()));
            return CreateResult.rejected();
        }
        List<String> evicted = List.copyOf(result.subList(1, result.size()));
        if (!evicted.isEmpty()) {
            removeSessions(evicted);
        }
        return new CreateResult(true, evicted);
    }

    private void putAsync(RMapCacheAsync<String, String> map, String tokenHash, String json, Session session, long now) {
        if (idleTimeoutMillis > 0) {
            map.fastPutAsync(tokenHash, json, session.ttlMillis(now), TimeUnit.MILLISECONDS,
                    idleTimeoutMillis, TimeUnit.MILLISECONDS);
        } else {
            map.fastPutAsync(tokenHash, json, session.ttlMillis(now), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Redisson calls expiry listeners on its own I/O threads, where a blocking Redis call would
     * stall every other notification until it times out: the clean-up is sent asynchronously.
     */
    @Override
    public void onExpired(Consumer<Session> listener) {
        sessions.addListener((EntryExpiredListener<String, String>) event -> {
            Session session = Json.read(event.getValue(), Session.class);
            // An idle-expired session's id entry outlives it; every instance may do this, it is idempotent.
            RBatch batch = redis.createBatch(BatchOptions.defaults());
            batch.<String, String>getMapCache(keys.sessionIds(), StringCodec.INSTANCE).fastRemoveAsync(session.sessionId());
            reindexAsync(batch, session.userId(), null, 0, List.of(session.sessionId()));
            batch.executeAsync();
            listener.accept(session);
        });
    }

    @Override
    public Optional<Session> findByTokenHash(String tokenHash) {
        String json = batcher.call(batch -> batch.getScript(StringCodec.INSTANCE).<String>evalAsync(keys.sessions(),
                RScript.Mode.READ_WRITE, GET_SCRIPT, RScript.ReturnType.VALUE, sessionKeys,
                Long.toString(clock.millis()), tokenHash));
        return Optional.ofNullable(json).map(value -> Json.read(value, Session.class));
    }

    @Override
    public Optional<Session> findById(String sessionId) {
        String tokenHash = tokenHashById.get(sessionId);
        return tokenHash == null ? Optional.empty() : findByTokenHash(tokenHash);
    }

    /**
     * Every step only re-dates what is still there (the session, its id entry, its index member), so
     * that a logout, revoke or eviction removing them at the same time stays done.
     */
    @Override
    public boolean update(String tokenHash, Session session) {
        long now = clock.millis();
        String expiry = Long.toString(now + session.ttlMillis(now));
        Long replaced = script.eval(keys.sessions(), RScript.Mode.READ_WRITE, REPLACE_LIVE_SCRIPT,
                RScript.ReturnType.LONG, sessionKeys, Long.toString(now), tokenHash, Json.writeString(session),
                expiry, Long.toString(idleTimeoutMillis));
        if (replaced != 1) {
            return false;
        }
        RBatch batch = redis.createBatch(BatchOptions.defaults());
        batch.getScript(StringCodec.INSTANCE).evalAsync(keys.sessionIds(), RScript.Mode.READ_WRITE, REPLACE_LIVE_SCRIPT,
                RScript.ReturnType.LONG, sessionIdKeys, Long.toString(now), session.sessionId(), tokenHash, expiry, "0");
        reindexAsync(batch, session.userId(), session.sessionId(), session.expiresAt(), List.of());
        batch.execute();
        return true;
    }

    private void reindexAsync(RBatch batch, String userId, String setId, long setExpiry, List<String> removeIds) {
        List<Object> args = new ArrayList<>();
        args.add(Long.toString(clock.millis()));
        args.add(userId);
        args.add(setId == null ? "" : setId);
        args.add(Long.toString(setExpiry));
        args.addAll(removeIds);
        batch.getScript(StringCodec.INSTANCE).evalAsync(RScript.Mode.READ_WRITE, REINDEX_SCRIPT,
                RScript.ReturnType.LONG, List.of(keys.userSessions(userId), keys.activeUsers()), args.toArray());
    }

    @Override
    public Optional<Session> delete(String sessionId) {
        String tokenHash = tokenHashById.get(sessionId);
        if (tokenHash == null) {
            return Optional.empty();
        }
        Optional<Session> removed = takeSessions(Map.of(sessionId, tokenHash)).stream().findFirst();
        removed.ifPresent(session -> {
            RBatch batch = redis.createBatch(BatchOptions.defaults());
            reindexAsync(batch, session.userId(), null, 0, List.of(sessionId));
            batch.execute();
        });
        return removed;
    }

    @Override
    public List<Session> deleteAllForUser(String userId) {
        List<String> ids = script.eval(RScript.Mode.READ_WRITE, TAKE_ALL_SCRIPT, RScript.ReturnType.LIST,
                List.of(keys.userSessions(userId), keys.activeUsers()), userId);
        return ids.isEmpty() ? List.of() : removeSessions(ids);
    }

    /** Removes sessions by id: one batch to read their token hashes, one to take the sessions and then their ids. */
    private List<Session> removeSessions(Collection<String> sessionIds) {
        Map<String, String> hashById = tokenHashById.getAll(new LinkedHashSet<>(sessionIds));
        return hashById.isEmpty() ? List.of() : takeSessions(hashById);
    }

    /**
     * Takes each session, then its id entry, in that order in one pipelined batch: at no moment
     * does a live session lack its id entry, so an end by id that runs meanwhile (a logout while
     * a logout-all is half done) always finds what to remove, and never answers before the
     * session is gone.
     */
    private List<Session> takeSessions(Map<String, String> hashById) {
        RBatch removal = redis.createBatch(BatchOptions.defaults());
        RMapCacheAsync<String, String> map = removal.<String, String>getMapCache(keys.sessions(), StringCodec.INSTANCE);
        RMapCacheAsync<String, String> ids = removal.<String, String>getMapCache(keys.sessionIds(), StringCodec.INSTANCE);
        List<RFuture<String>> removed = new ArrayList<>();
        hashById.forEach((id, hash) -> {
            removed.add(map.removeAsync(hash));
            ids.fastRemoveAsync(id);
        });
        removal.execute();
        return removed.stream().map(RedisSessionStore::completed).filter(Objects::nonNull)
                .map(json -> Json.read(json, Session.class)).toList();
    }

    private static <T> T completed(RFuture<T> future) {
        return future.toCompletableFuture().join();
    }

    /** The page's ids and the user's count in one round trip (ZCOUNT, ZRANGEBYSCORE ... LIMIT), then the page's sessions. */
    @Override
    public Page<Session> listForUser(String userId, int cursor, int limit) {
        double now = clock.millis();
        RBatch batch = redis.createBatch(BatchOptions.defaults());
        RScoredSortedSetAsync<String> index = batch.getScoredSortedSet(keys.userSessions(userId), StringCodec.INSTANCE);
        RFuture<Integer> count = index.countAsync(now, false, Double.POSITIVE_INFINITY, true);
        RFuture<Collection<String>> ids = index.valueRangeAsync(now, false, Double.POSITIVE_INFINITY, true, cursor, limit);
        batch.execute();
        return Page.of(byIds(completed(ids)), completed(count), cursor, completed(ids).size());
    }

    private List<Session> byIds(Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<String, String> hashById = tokenHashById.getAll(new LinkedHashSet<>(ids));
        if (hashById.isEmpty()) {
            return List.of();
        }
        Map<String, String> jsonByHash = sessions.getAll(Set.copyOf(hashById.values()));
        List<Session> result = new ArrayList<>();
        for (String id : ids) {
            String json = jsonByHash.get(hashById.get(id));
            if (json != null) {
                result.add(Json.read(json, Session.class));
            }
        }
        return result;
    }

    @Override
    public long countForUser(String userId) {
        return liveCount(keys.userSessions(userId));
    }

    @Override
    public long countSessions() {
        return liveCount(RedisKeys.expiryIndexOf(keys.sessionIds()));
    }

    @Override
    public long countUsers() {
        return liveCount(keys.activeUsers());
    }

    private long liveCount(String zsetKey) {
        return redis.getScoredSortedSet(zsetKey, StringCodec.INSTANCE)
                .count(clock.millis(), false, Double.POSITIVE_INFINITY, true);
    }

    @Override
    public List<Session> page(int offset, int limit) {
        Collection<String> ids = redis.<String>getScoredSortedSet(RedisKeys.expiryIndexOf(keys.sessionIds()),
                        StringCodec.INSTANCE)
                .valueRangeReversed(clock.millis(), false, Double.POSITIVE_INFINITY, true, offset, limit);
        return byIds(ids);
    }
}
