package io.sessionpresence.session;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionpresence.events.AdminEventWire;
import io.sessionpresence.events.AdminEvents;
import io.sessionpresence.json.Json;
import io.sessionpresence.limits.ScriptedLimit;
import io.sessionpresence.store.Page;
import io.sessionpresence.store.RedisBatcher;
import io.sessionpresence.store.RedisKeys;
import io.sessionpresence.store.Sweeps;
import org.redisson.api.RBatch;
import org.redisson.api.RKeys;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Sessions in Redis: one {@code RMapCache} entry per user holding all of that user's sessions
 * (the user's <em>record</em>), so that a validate, a revoke, a logout-all and the per-user limit
 * each read and write one entry in one script. The layout, the bytes and the commands of each
 * call are in {@link RedisKeys}. Every script here shares {@link #PRELUDE}.
 *
 * <p>The record's entry expires with its user's latest session; each earlier session's deadline
 * is a member of one more sorted set, so the counts stay exact and {@link #sweep} finds each
 * session when its own time comes. This store writes, reads and evicts the map only through its
 * own scripts, in Redisson's value format: Redisson's eviction task never runs on it (no
 * {@code RMapCache} object is made for it), so every expiry goes through {@link #sweep}, once.
 */
public final class RedisSessionStore implements SessionStore, SessionListings {
    private static final Logger LOG = Logger.getLogger(RedisSessionStore.class.getName());
    /**
     * KEYS[1] the map of records, KEYS[2] its expiry ZSET (score: the deadline of the record's
     * latest session), KEYS[3] the deadlines of every other session (member: session id).
     * ARGV[1] now (ms), ARGV[2] the idle timeout (ms, 0 = none).
     *
     * <p>A record (MessagePack, inside Redisson's value frame {@code dLc0}: maxIdle 0, length,
     * bytes) is {@code [user id, session...]}; a session is {@code [id suffix, secret hash,
     * created, expires at, last activity, remember me, ip, user agent, last use]}. A session is
     * live until its deadline: its expiry, or last use + the idle timeout when that is sooner.
     * Records keep sessions past their deadline until the sweep takes them (and announces them),
     * so that every expiry is seen exactly once.
     */
    private static final String PRELUDE = """
            local now, idle = tonumber(ARGV[1]), tonumber(ARGV[2])
            local function deadline(s)
              if idle > 0 and s[9] + idle < s[4] then return s[9] + idle end
              return s[4]
            end
            local function load(k)
              local packed = redis.call('hget', KEYS[1], k)
              if not packed then return nil end
              local _, payload = struct.unpack('dLc0', packed)
              return cmsgpack.unpack(payload)
            end
            local function find(r, suffix)
              for i = 2, #r do
                if r[i][1] == suffix then
                  if deadline(r[i]) > now then return i end
                  return nil
                end
              end
              return nil
            end
            local function latestOf(r)
              local latest, latestSuffix = nil, nil
              for i = 2, #r do
                local d = deadline(r[i])
                if latest == nil or d > latest then latest, latestSuffix = d, r[i][1] end
              end
              return latestSuffix, latest
            end
            -- Writes r back. was: the latest session's suffix before the change; dirty: the suffix
            -- of the one session whose deadline changed (or nil). Only what moved is re-indexed.
            local function save(k, r, was, dirty)
              local latestSuffix, latest = latestOf(r)
              if latest == nil then
                redis.call('hdel', KEYS[1], k)
                redis.call('zrem', KEYS[2], k)
                return
              end
              local payload = cmsgpack.pack(r)
              redis.call('hset', KEYS[1], k, struct.pack('dLc0', 0, string.len(payload), payload))
              redis.call('zadd', KEYS[2], latest, k)
              for i = 2, #r do
                local suffix = r[i][1]
                if suffix == latestSuffix then
                  if was ~= suffix then redis.call('zrem', KEYS[3], k .. suffix) end
                elseif suffix == dirty or suffix == was then
                  redis.call('zadd', KEYS[3], deadline(r[i]), k .. suffix)
                end
              end
            end
            local function without(r, i, k)
              local left = {}
              for j = 1, #r do if j ~= i then left[#left + 1] = r[j] end end
              redis.call('zrem', KEYS[3], k .. r[i][1])
              return left
            end
            -- A session as callers read it; the last element, its deadline, orders pages merged across shards.
            local function view(r, s)
              return {r[1], s[1], s[3], s[4], s[5], s[6], s[7], s[8], deadline(s)}
            end
            local function terminated(channel, event, k, suffix, user, reason)
              redis.call('publish', channel, '{"event":' .. cjson.encode(event) .. ',"data":{"type":"session_terminated","session_id":'
                .. cjson.encode(k .. suffix) .. ',"sid":' .. cjson.encode(k .. suffix) .. ',"user":' .. cjson.encode(user)
                .. ',"reason":' .. cjson.encode(reason) .. '}}')
            end
            """;

    /** The live session of user key k, suffix, secret hash ('' = any: a read by id) as a view, or nil; a use of it. */
    private static final String BY_TOKEN = PRELUDE + """
            local function byToken(k, suffix, hash)
              local r = load(k)
              if not r then return nil end
              local i = find(r, suffix)
              if not i or (hash ~= '' and r[i][2] ~= hash) then return nil end
              if idle > 0 then
                local was = latestOf(r)
                r[i][9] = now
                save(k, r, was, r[i][1])
              end
              return view(r, r[i])
            end
            """;

    /** ARGV[3] user key, [4] id suffix, [5] secret hash ('' = any: a read by id). Returns the session's view, or nil. */
    private static final String FIND_SCRIPT = BY_TOKEN + """
            local found = byToken(ARGV[3], ARGV[4], ARGV[5])
            if not found then return nil end
            return cjson.encode(found)
            """;

    /** ARGV[3..] triples of user key, id suffix, secret hash. Returns a JSON array: each one's view, or false. */
    private static final String FIND_ALL_SCRIPT = BY_TOKEN + """
            local out = {}
            for n = 3, #ARGV, 3 do
              out[#out + 1] = byToken(ARGV[n], ARGV[n + 1], ARGV[n + 2]) or false
            end
            return cjson.encode(out)
            """;

    /**
     * ARGV[3] user key, [4] user id, [5] per-user limit (0 = none), [6] policy, [7] channel,
     * [8] event name, [9] the created event, [10..17] the new session: suffix, secret hash,
     * created, expires at, last activity, remember me ('1'/'0'), ip, user agent; with KEYS[4] (a
     * login limit) also [18] and [19], its interval and period.
     * Returns {'ok', evicted suffixes...}, {'full'}, {'wait', µs} or {'taken'} (another user's key).
     */
    private static final String CREATE_SCRIPT = PRELUDE + ScriptedLimit.LUA + """
            if KEYS[4] then
              local wait = take_limit(KEYS[4], ARGV[18], ARGV[19], false)
              if wait > 0 then return {'wait', tostring(wait)} end
            end
            local k, user = ARGV[3], ARGV[4]
            local r = load(k) or {user}
            if r[1] ~= user then return {'taken'} end
            local was = latestOf(r)
            local max = tonumber(ARGV[5])
            local result = {'ok'}
            if max > 0 then
              local live = {}
              for i = 2, #r do if deadline(r[i]) > now then live[#live + 1] = r[i] end end
              if #live >= max then
                if ARGV[6] == 'reject-new' then return {'full'} end
                table.sort(live, function(a, b) return a[4] < b[4] or (a[4] == b[4] and a[1] < b[1]) end)
                for n = 1, #live - max + 1 do
                  local gone = live[n][1]
                  r = without(r, find(r, gone), k)
                  terminated(ARGV[7], ARGV[8], k, gone, user, 'limit')
                  result[#result + 1] = gone
                end
              end
            end
            r[#r + 1] = {ARGV[10], ARGV[11], tonumber(ARGV[12]), tonumber(ARGV[13]), tonumber(ARGV[14]), ARGV[15] == '1',
              ARGV[16], ARGV[17], tonumber(ARGV[12])}
            save(k, r, was, ARGV[10])
            redis.call('publish', ARGV[7], ARGV[9])
            return result
            """;

    private static final String REFRESH_SCRIPT = PRELUDE + """
            local r = load(ARGV[3])
            if not r then return 0 end
            local i = find(r, ARGV[4])
            if not i or r[i][2] ~= ARGV[5] then return 0 end
            local was = latestOf(r)
            r[i][4], r[i][5], r[i][9] = tonumber(ARGV[6]), tonumber(ARGV[7]), now
            save(ARGV[3], r, was, r[i][1])
            redis.call('publish', ARGV[8], ARGV[9])
            return 1
            """;

    /** ARGV[3] user key, [4] suffix, [5] channel, [6] event name, [7] reason. Returns the ended session's view, or nil. */
    private static final String DELETE_SCRIPT = PRELUDE + """
            local r = load(ARGV[3])
            if not r then return nil end
            local i = find(r, ARGV[4])
            if not i then return nil end
            local ended = view(r, r[i])
            save(ARGV[3], without(r, i, ARGV[3]), (latestOf(r)))
            terminated(ARGV[5], ARGV[6], ARGV[3], ARGV[4], r[1], ARGV[7])
            return cjson.encode(ended)
            """;

    /**
     * ARGV[3] user key, [4] channel, [5] event name, [6] reason. Ends every live session of the
     * record (sessions already past their deadline stay for the sweep to announce as expired) and
     * returns their views.
     */
    private static final String DELETE_ALL_SCRIPT = PRELUDE + """
            local r = load(ARGV[3])
            if not r then return '[]' end
            local ended, ids, left = {}, {}, {r[1]}
            for i = 2, #r do
              if deadline(r[i]) > now then
                ended[#ended + 1] = view(r, r[i])
                ids[#ids + 1] = ARGV[3] .. r[i][1]
                redis.call('zrem', KEYS[3], ARGV[3] .. r[i][1])
              else
                left[#left + 1] = r[i]
              end
            end
            if #ended == 0 then return '[]' end
            save(ARGV[3], left, (latestOf(r)))
            redis.call('publish', ARGV[4], '{"event":' .. cjson.encode(ARGV[5]) .. ',"data":{"type":"sessions_revoked","user":'
              .. cjson.encode(r[1]) .. ',"count":' .. #ids .. ',"session_ids":' .. cjson.encode(ids) .. ',"reason":'
              .. cjson.encode(ARGV[6]) .. '}}')
            return cjson.encode(ended)
            """;

    /** ARGV[3] user key. Returns [count, views...] of the record's live sessions, soonest expiry first (read only). */
    private static final String LIST_SCRIPT = PRELUDE + """
            local r = load(ARGV[3])
            if not r then return '[0]' end
            local live = {}
            for i = 2, #r do if deadline(r[i]) > now then live[#live + 1] = r[i] end end
            table.sort(live, function(a, b) return a[4] < b[4] or (a[4] == b[4] and a[1] < b[1]) end)
            local out = {#live}
            for n = 1, #live do out[#out + 1] = view(r, live[n]) end
            return cjson.encode(out)
            """;

    /** ARGV[3] a user key, or '' for none. Returns {live sessions, live users, that user's live sessions} (read only). */
    private static final String COUNTS_SCRIPT = PRELUDE + """
            local latest = redis.call('zcount', KEYS[2], '(' .. now, '+inf')
            local earlier = redis.call('zcount', KEYS[3], '(' .. now, '+inf')
            local mine = 0
            local r = ARGV[3] ~= '' and load(ARGV[3])
            if r then for i = 2, #r do if deadline(r[i]) > now then mine = mine + 1 end end end
            return {latest + earlier, latest, mine}
            """;

    /**
     * KEYS[4] the shard's map of tracked activity, KEYS[5] its expiry ZSET (read only with
     * ARGV[5] = '1'). ARGV[3] offset, [4] limit, [6] and [7] offset and limit of tracked activity.
     * Returns {@code {count, live, activity, tracked_count, tracked}}: how many sessions are live
     * and a page of them (views), most recently expiring first, merged from the records' latest
     * sessions and the earlier ones; with ARGV[5] = '1' also the tracked activity of those sessions
     * (session id &rarr; stored JSON), how many tracked entries are live and a page of them
     * ([session id, expiry, stored JSON]) newest first. Read only.
     */
    private static final String PAGE_SCRIPT = PRELUDE + """
            local offset, limit = tonumber(ARGV[3]), tonumber(ARGV[4])
            local withActivity = ARGV[5] == '1'
            local want = offset + limit
            local a = redis.call('zrevrangebyscore', KEYS[2], '+inf', '(' .. now, 'withscores', 'limit', 0, want)
            local b = redis.call('zrevrangebyscore', KEYS[3], '+inf', '(' .. now, 'withscores', 'limit', 0, want)
            local ia, ib = 1, 1
            local live, activity = {}, {}
            -- Redisson's value frame around a tracked activity entry, when it has not expired.
            local function activityOf(sid, expiry)
              if not expiry or tonumber(expiry) <= now then return nil end
              local packed = redis.call('hget', KEYS[4], sid)
              if not packed then return nil end
              local _, value = struct.unpack('dLc0', packed)
              return value
            end
            for n = 1, want do
              local pick
              if ia <= #a and (ib > #b or tonumber(a[ia + 1]) >= tonumber(b[ib + 1])) then
                pick, ia = {a[ia], true}, ia + 2
              elseif ib <= #b then
                pick, ib = {b[ib], false}, ib + 2
              else
                break
              end
              if n > offset then
                local k = pick[2] and pick[1] or string.sub(pick[1], 1, 16)
                local r = load(k)
                if r then
                  local best
                  for i = 2, #r do
                    local s = r[i]
                    if deadline(s) > now then
                      if pick[2] then
                        if best == nil or deadline(s) > deadline(best) then best = s end
                      elseif k .. s[1] == pick[1] then
                        best = s
                      end
                    end
                  end
                  if best then
                    live[#live + 1] = view(r, best)
                    if withActivity then
                      local sid = k .. best[1]
                      activity[sid] = activityOf(sid, redis.call('zscore', KEYS[5], sid))
                    end
                  end
                end
              end
            end
            local out = {count = redis.call('zcount', KEYS[2], '(' .. now, '+inf') + redis.call('zcount', KEYS[3], '(' .. now, '+inf'),
              live = live, activity = activity, tracked_count = 0, tracked = {}}
            if withActivity then
              out.tracked_count = redis.call('zcount', KEYS[5], '(' .. now, '+inf')
              local ranked = redis.call('zrevrangebyscore', KEYS[5], '+inf', '(' .. now, 'withscores', 'limit', ARGV[6], ARGV[7])
              for i = 1, #ranked, 2 do
                local value = activityOf(ranked[i], ranked[i + 1])
                if value then out.tracked[#out.tracked + 1] = {ranked[i], tonumber(ranked[i + 1]), value} end
              end
            end
            return cjson.encode(out)
            """;

    /**
     * ARGV[3] the most entries to take. Takes every session whose deadline has passed, from the
     * earlier-deadline set and from records whose latest deadline has passed, and returns their
     * views: the caller announces them. Atomic, so with several instances sweeping each expiry is
     * taken once.
     */
    private static final String SWEEP_SCRIPT = PRELUDE + """
            local most = tonumber(ARGV[3])
            local expired = {}
            for _, id in ipairs(redis.call('zrangebyscore', KEYS[3], '-inf', now, 'limit', 0, most)) do
              redis.call('zrem', KEYS[3], id)
              local k, suffix = string.sub(id, 1, 16), string.sub(id, 17)
              local r = load(k)
              if r then
                for i = 2, #r do
                  if r[i][1] == suffix and deadline(r[i]) <= now then
                    expired[#expired + 1] = view(r, r[i])
                    save(k, without(r, i, k), (latestOf(r)))
                    break
                  end
                end
              end
            end
            for _, k in ipairs(redis.call('zrangebyscore', KEYS[2], '-inf', now, 'limit', 0, most)) do
              local r = load(k)
              redis.call('hdel', KEYS[1], k)
              redis.call('zrem', KEYS[2], k)
              if r then
                for i = 2, #r do
                  expired[#expired + 1] = view(r, r[i])
                  redis.call('zrem', KEYS[3], k .. r[i][1])
                end
              end
            end
            if #expired == 0 then return '[]' end
            return cjson.encode(expired)
            """;

    private final RedissonClient redis;
    private final RedisBatcher batcher;
    private final RedisKeys keys;
    private final long idleTimeoutMillis;
    private final InstantSource clock;
    private final RScript script;
    /** Per shard: its map of records, their expiry ZSET and the earlier-deadline ZSET (KEYS of every script but the page's). */
    private final List<List<Object>> recordKeys;
    /** Per shard: {@link #recordKeys}, then the map of tracked activity and its expiry ZSET, all in one slot. */
    private final List<List<Object>> listingKeys;
    private final String find;
    private final String findAll;
    private final String create;
    private final String refresh;
    private final String delete;
    private final String deleteAll;
    private final String sweep;
    private final List<Consumer<Session>> expiryListeners = new CopyOnWriteArrayList<>();

    /** @param clock the system clock: deadlines are compared with it, on every instance alike */
    public RedisSessionStore(RedissonClient redis, RedisBatcher batcher, RedisKeys keys, long idleTimeoutMillis,
                             InstantSource clock) {
        this.redis = redis;
        this.batcher = batcher;
        this.keys = keys;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.clock = clock;
        this.script = redis.getScript(StringCodec.INSTANCE);
        this.recordKeys = keys.perShard(shard -> List.of(keys.userSessions(shard),
                RedisKeys.expiryIndexOf(keys.userSessions(shard)), keys.earlierSessions(shard)));
        this.listingKeys = keys.perShard(shard -> List.of(keys.userSessions(shard),
                RedisKeys.expiryIndexOf(keys.userSessions(shard)), keys.earlierSessions(shard), keys.activity(shard),
                RedisKeys.expiryIndexOf(keys.activity(shard))));
        this.find = keys.publishing(FIND_SCRIPT);
        this.findAll = keys.publishing(FIND_ALL_SCRIPT);
        this.create = keys.publishing(CREATE_SCRIPT);
        this.refresh = keys.publishing(REFRESH_SCRIPT);
        this.delete = keys.publishing(DELETE_SCRIPT);
        this.deleteAll = keys.publishing(DELETE_ALL_SCRIPT);
        this.sweep = keys.publishing(SWEEP_SCRIPT);
    }

    private List<Object> args(Object... rest) {
        List<Object> args = new ArrayList<>(rest.length + 2);
        args.add(Long.toString(clock.millis()));
        args.add(Long.toString(idleTimeoutMillis));
        args.addAll(List.of(rest));
        return args;
    }

    private <T> T run(int shard, RScript.Mode mode, String lua, RScript.ReturnType type, List<Object> scriptKeys,
                      List<Object> args) {
        return script.eval(keys.userSessions(shard), mode, lua, type, scriptKeys, args.toArray());
    }

    /** {@code lua} on the shard of user key {@code userKey}, with that shard's record keys. */
    private <T> T onUser(String userKey, RScript.Mode mode, String lua, RScript.ReturnType type, List<Object> args) {
        int shard = keys.shardOf(userKey);
        return run(shard, mode, lua, type, recordKeys.get(shard), args);
    }

    /** {@code lua} on every shard at once (one round trip per master), each with its own arguments; replies in shard order. */
    private <T> List<T> onEveryShard(RScript.Mode mode, String lua, RScript.ReturnType type, IntFunction<List<Object>> args) {
        return onEveryShard(recordKeys, mode, lua, type, args);
    }

    private <T> List<T> onEveryShard(List<List<Object>> shardKeys, RScript.Mode mode, String lua, RScript.ReturnType type,
                                     IntFunction<List<Object>> args) {
        List<Function<RBatch, ? extends CompletionStage<T>>> calls = keys.perShard(shard -> batch ->
                batch.getScript(StringCodec.INSTANCE).<T>evalAsync(keys.userSessions(shard), mode, lua, type,
                        shardKeys.get(shard), args.apply(shard).toArray()));
        return batcher.together(calls);
    }

    /** The events channel of the shard of {@code userKey}: a script may publish only in its own slot on a Cluster. */
    private String channelOf(String userKey) {
        return keys.events(keys.shardOf(userKey));
    }

    @Override
    public CreateResult create(String secretHash, Session session, int maxPerUser, LimitPolicy policy,
                               Optional<ScriptedLimit> loginLimit) {
        String userKey = Tokens.userKeyOf(session.sessionId());
        int shard = keys.shardOf(userKey);
        List<Object> scriptKeys = new ArrayList<>(recordKeys.get(shard));
        List<Object> args = args(userKey, session.userId(), Integer.toString(maxPerUser), policy.configName(), channelOf(userKey),
                        AdminEvents.SESSIONS_UPDATE, AdminEventWire.encode(SessionEvents.about(SessionEvents.CREATED, session)),
                        session.sessionId().substring(Tokens.USER_KEY_LENGTH), secretHash,
                        Long.toString(session.createdAt()), Long.toString(session.expiresAt()),
                        Long.toString(session.lastActivity()), session.rememberMe() ? "1" : "0",
                        Objects.requireNonNullElse(session.ip(), ""), Objects.requireNonNullElse(session.userAgent(), ""));
        loginLimit.ifPresent(limit -> {
            scriptKeys.add(keys.inRecordsSlot(shard, limit.key()));
            args.add(limit.intervalMicros());
            args.add(limit.periodMicros());
        });
        List<String> result = run(shard, RScript.Mode.READ_WRITE, create, RScript.ReturnType.LIST, scriptKeys, args);
        return switch (result.getFirst()) {
            case "ok" -> CreateResult.created(result.subList(1, result.size()).stream().map(s -> userKey + s).toList());
            case "full" -> CreateResult.rejected();
            case "wait" -> CreateResult.limited(Long.parseLong(result.get(1)) * 1_000L);
            default -> throw new IllegalStateException("two user ids share the user key " + userKey);
        };
    }

    @Override
    public void onExpired(Consumer<Session> listener) {
        expiryListeners.add(listener);
    }

    /**
     * Takes and announces every session past its deadline (at most {@code most}); returns how
     * many. Each instance calls it on a timer ({@code redis.cleanup-min-delay}).
     */
    public int sweep(int most) {
        List<Session> expired = new ArrayList<>();
        this.<String>onEveryShard(RScript.Mode.READ_WRITE, sweep, RScript.ReturnType.VALUE, shard -> args(Integer.toString(most)))
                .forEach(json -> expired.addAll(sessions(json)));
        expired.forEach(session -> expiryListeners.forEach(listener -> listener.accept(session)));
        return expired.size();
    }

    /** Sweeps every {@code every} until the returned stop is run ({@link Sweeps#every}). */
    public Runnable sweepEvery(Duration every, int most) {
        return Sweeps.every("session-sweep", every, most, this::sweep);
    }

    /**
     * Removes the sessions of the layout before this one (a map by token hash, a map by id and
     * per-user sorted sets; see {@link RedisKeys#legacySessionKeys()}): their tokens have a shape
     * this layout cannot read, so their users sign in again. Returns the keys removed.
     */
    public long dropLegacyLayout() {
        RKeys all = redis.getKeys();
        String[] legacy = keys.legacySessionKeys().toArray(String[]::new);
        if (all.countExists(legacy) == 0) {
            return 0;
        }
        long removed = all.delete(legacy) + all.deleteByPattern(keys.legacyUserIndexPattern());
        LOG.warning(() -> "Removed " + removed + " Redis keys of the previous session layout: the sessions they "
                + "held are ended, and their users sign in again");
        return removed;
    }

    @Override
    public Optional<Session> findByToken(String sessionId, String secretHash) {
        return find(sessionId, secretHash);
    }

    /** A find writes only to record the session's use, with an idle timeout; otherwise it is read only. */
    private RScript.Mode findMode() {
        return idleTimeoutMillis > 0 ? RScript.Mode.READ_WRITE : RScript.Mode.READ_ONLY;
    }

    /** One script per shard involved, all sent at once: one round trip (per master on a Cluster). */
    @Override
    public List<Optional<Session>> findAllByToken(List<TokenHash> tokens) {
        Map<Integer, List<Integer>> byShard = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            byShard.computeIfAbsent(keys.shardOf(Tokens.userKeyOf(tokens.get(i).sessionId())), shard -> new ArrayList<>()).add(i);
        }
        List<Integer> shards = List.copyOf(byShard.keySet());
        List<Function<RBatch, ? extends CompletionStage<String>>> calls = shards.stream()
                .<Function<RBatch, ? extends CompletionStage<String>>>map(shard -> batch -> {
                    List<Object> args = args();
                    for (int i : byShard.get(shard)) {
                        String sessionId = tokens.get(i).sessionId();
                        args.add(Tokens.userKeyOf(sessionId));
                        args.add(sessionId.substring(Tokens.USER_KEY_LENGTH));
                        args.add(tokens.get(i).secretHash());
                    }
                    return batch.getScript(StringCodec.INSTANCE).<String>evalAsync(keys.userSessions(shard),
                            findMode(), findAll, RScript.ReturnType.VALUE, recordKeys.get(shard), args.toArray());
                }).toList();
        List<String> replies = batcher.together(calls);
        List<Optional<Session>> found = new ArrayList<>(Collections.nCopies(tokens.size(), Optional.empty()));
        for (int s = 0; s < shards.size(); s++) {
            JsonNode views = Json.read(replies.get(s), JsonNode.class);
            List<Integer> positions = byShard.get(shards.get(s));
            for (int n = 0; n < positions.size(); n++) {
                JsonNode view = views.get(n);
                found.set(positions.get(n), view.isArray() ? Optional.of(session(view)) : Optional.empty());
            }
        }
        return found;
    }

    /** A read by id counts as use of the session, as a validate does. */
    @Override
    public Optional<Session> findById(String sessionId) {
        return Tokens.isSessionId(sessionId) ? find(sessionId, "") : Optional.empty();
    }

    private Optional<Session> find(String sessionId, String secretHash) {
        String userKey = Tokens.userKeyOf(sessionId);
        int shard = keys.shardOf(userKey);
        List<Object> args = args(userKey, sessionId.substring(Tokens.USER_KEY_LENGTH), secretHash);
        String json = batcher.call(batch -> batch.getScript(StringCodec.INSTANCE).<String>evalAsync(keys.userSessions(shard),
                findMode(), find,
                RScript.ReturnType.VALUE, recordKeys.get(shard), args.toArray()));
        return json == null ? Optional.empty() : Optional.of(session(Json.read(json, JsonNode.class)));
    }

    @Override
    public boolean update(String secretHash, Session session) {
        String id = session.sessionId();
        String userKey = Tokens.userKeyOf(id);
        Long refreshed = onUser(userKey, RScript.Mode.READ_WRITE, refresh, RScript.ReturnType.LONG,
                args(userKey, id.substring(Tokens.USER_KEY_LENGTH), secretHash,
                        Long.toString(session.expiresAt()), Long.toString(session.lastActivity()), channelOf(userKey),
                        AdminEventWire.encode(SessionEvents.about(SessionEvents.REFRESHED, session))));
        return refreshed == 1;
    }

    @Override
    public Optional<Session> delete(String sessionId, String reason) {
        if (!Tokens.isSessionId(sessionId)) {
            return Optional.empty();
        }
        String userKey = Tokens.userKeyOf(sessionId);
        String json = onUser(userKey, RScript.Mode.READ_WRITE, delete, RScript.ReturnType.VALUE,
                args(userKey, sessionId.substring(Tokens.USER_KEY_LENGTH), channelOf(userKey),
                        AdminEvents.SESSIONS_UPDATE, reason));
        return json == null ? Optional.empty() : Optional.of(session(Json.read(json, JsonNode.class)));
    }

    @Override
    public List<Session> deleteAllForUser(String userId, String reason) {
        String userKey = Tokens.userKey(userId);
        String json = onUser(userKey, RScript.Mode.READ_WRITE, deleteAll, RScript.ReturnType.VALUE,
                args(userKey, channelOf(userKey), AdminEvents.SESSIONS_UPDATE, reason));
        return sessions(json);
    }

    @Override
    public Page<Session> listForUser(String userId, int cursor, int limit) {
        String userKey = Tokens.userKey(userId);
        String json = onUser(userKey, RScript.Mode.READ_ONLY, LIST_SCRIPT, RScript.ReturnType.VALUE, args(userKey));
        JsonNode all = Json.read(json, JsonNode.class);
        List<Session> page = new ArrayList<>();
        for (int i = 1 + cursor; i < all.size() && page.size() < limit; i++) {
            page.add(session(all.get(i)));
        }
        return Page.of(page, all.get(0).asLong(), cursor, page.size());
    }

    @Override
    public long countSessions() {
        return counts(null).sessions();
    }

    @Override
    public long countUsers() {
        return counts(null).users();
    }

    @Override
    public Counts counts(String userId) {
        String userKey = userId == null ? "" : Tokens.userKey(userId);
        int userShard = userId == null ? -1 : keys.shardOf(userKey);
        long sessions = 0, users = 0, mine = 0;
        for (List<Long> counts : this.<List<Long>>onEveryShard(RScript.Mode.READ_ONLY, COUNTS_SCRIPT,
                RScript.ReturnType.LIST, shard -> args(shard == userShard ? userKey : ""))) {
            sessions += counts.get(0);
            users += counts.get(1);
            mine += counts.get(2);
        }
        return new Counts(sessions, users, mine);
    }

    @Override
    public Page<Session> page(int offset, int limit) {
        return read(offset, limit, false).live();
    }

    /** Sessions, their tracked activity and the page of tracked activity: one script per shard, sent at once. */
    @Override
    public Listing listing(int offset, int limit) {
        return read(offset, limit, true);
    }

    /**
     * One shard: the script skips {@code offset} itself. Several: each shard returns its first
     * {@code offset + limit} sessions (and tracked entries), only those can be on the page, merged
     * here by deadline (by expiry).
     */
    private Listing read(int offset, int limit, boolean withActivity) {
        boolean one = keys.shards() == 1;
        String skip = Integer.toString(one ? offset : 0);
        String take = Integer.toString(one ? limit : offset + limit);
        long count = 0;
        long trackedCount = 0;
        List<JsonNode> views = new ArrayList<>();
        Map<String, String> activityOfLive = new HashMap<>();
        List<JsonNode> tracked = new ArrayList<>();
        for (String reply : this.<String>onEveryShard(listingKeys, RScript.Mode.READ_ONLY, PAGE_SCRIPT,
                RScript.ReturnType.VALUE, shard -> args(skip, take, withActivity ? "1" : "0", skip, take))) {
            JsonNode shard = Json.read(reply, JsonNode.class);
            count += shard.get("count").asLong();
            shard.get("live").forEach(views::add);
            shard.get("activity").properties().forEach(entry -> activityOfLive.put(entry.getKey(), entry.getValue().asText()));
            trackedCount += shard.get("tracked_count").asLong();
            shard.get("tracked").forEach(tracked::add);
        }
        List<JsonNode> liveViews = one ? views : Page.mergedNewestFirst(views, view -> view.get(8).asLong(), offset, limit);
        List<JsonNode> trackedEntries = one ? tracked
                : Page.mergedNewestFirst(tracked, entry -> entry.get(1).asLong(), offset, limit);
        List<Session> live = liveViews.stream().map(RedisSessionStore::session).toList();
        // Each shard sent the activity of its own first sessions; keep that of the page's only.
        activityOfLive.keySet().retainAll(live.stream().map(Session::sessionId).collect(Collectors.toSet()));
        return new Listing(Page.of(live, count, offset), activityOfLive,
                Page.of(trackedEntries.stream().map(entry -> Map.entry(entry.get(0).asText(), entry.get(2).asText())).toList(),
                        trackedCount, offset));
    }

    private static List<Session> sessions(String json) {
        List<Session> sessions = new ArrayList<>();
        Json.read(json, JsonNode.class).forEach(view -> sessions.add(session(view)));
        return sessions;
    }

    /** A session from a script's view: {@code [user id, suffix, created, expires at, last activity, remember me, ip, ua]}. */
    private static Session session(JsonNode view) {
        String userId = view.get(0).asText();
        return new Session(Tokens.userKey(userId) + view.get(1).asText(), userId, view.get(2).asLong(),
                view.get(3).asLong(), view.get(4).asLong(), view.get(5).asBoolean(), view.get(6).asText(),
                view.get(7).asText());
    }
}
