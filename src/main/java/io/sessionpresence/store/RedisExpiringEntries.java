package io.sessionpresence.store;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

import io.sessionpresence.events.AdminEvent;
import io.sessionpresence.events.AdminEventWire;
import org.redisson.Redisson;
import org.redisson.api.RBatch;
import org.redisson.api.RMapCache;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.api.map.event.EntryExpiredListener;
import org.redisson.client.codec.StringCodec;

/**
 * {@code RMapCache}s with per-entry TTL: in each shard (a function of the entry's key picks it:
 * {@link RedisKeys#shardOf} for presence, the session's record's shard for tracked activity) one
 * map, or several buckets ({@link RedisKeys#bucketOf}) so that each stays within Redis's compact
 * encodings. Newest-first reads walk Redisson's own expiry ZSETs ({@link RedisKeys#expiryIndexOf})
 * backwards, merging a shard's buckets in one script: a page of 100 reads the values of 100
 * entries whatever the maps hold.
 *
 * <p>Writes, the heartbeat's hot path, use a script of our own instead of Redisson's
 * {@code fastPut}: that one takes 9 keys and 8 arguments and runs 9 commands (lease check,
 * max-size options, idle set, a created/updated notification nobody here listens to); ours writes
 * the same two structures in the same format, so Redisson's reads and its expiry notifications
 * see no difference, and publishes the admin event in the same script, on the shard's own channel.
 *
 * <p>Expired entries leave through {@link #sweep}, one script per shard for all its maps, in place
 * of Redisson's eviction task, which runs per map: with 128 presence buckets an idle instance ran
 * 26.5 eviction scripts a second (127 with a 1 s delay) where one map took 3.9.
 */
public final class RedisExpiringEntries implements ExpiringEntries {
    /**
     * KEYS: each bucket's map and its expiry ZSET in turn; ARGV: now, offset, limit, and
     * {@code values} (the page's keys and values, after skipping offset) or {@code ranks} (the keys
     * and expiries of the first offset + limit, for a merge across shards). Returns the live count
     * first. With several buckets their ZSETs are merged through a heap of each bucket's next
     * entry, read in chunks, so a page reads about offset + limit entries, not whole buckets. A
     * deep page first picks the expiry it starts at from each bucket's entry at its share of the
     * offset (ZREVRANGE by rank, then ZCOUNT above the middle one, then ones higher up, at most four tries), so it
     * reads little more than its own entries in a bounded number of commands whatever the expiries
     * (narrowing down by expiry alone took up to 25 rounds of ZCOUNTs when they bunched up).
     * Redisson keeps each RMapCache value as {@code struct.pack('dLc0', maxIdle, len, value)};
     * entries here never have a maxIdle, so the expiry ZSET alone says what is live (as in
     * Redisson's own reads). Equal expiries come bucket by bucket, and in a bucket as
     * ZREVRANGEBYSCORE gives them: an order every page agrees on (comparing the keys in Lua would
     * not: its string order follows the server's locale, the ZSET's does not).
     */
    private static final String PAGE_SCRIPT = """
            local live = '(' .. ARGV[1]
            local offset, limit, values = tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4] == 'values'
            local buckets = #KEYS / 2
            local sizes, count = {}, 0
            for b = 1, buckets do
              sizes[b] = redis.call('zcount', KEYS[2 * b], live, '+inf')
              count = count + sizes[b]
            end
            local function above(score)
              local n = 0
              for b = 1, buckets do
                n = n + redis.call('zcount', KEYS[2 * b], '(' .. score, '+inf')
              end
              return n
            end
            -- values: skip offset, then take limit; ranks: take all of offset + limit
            local skip = values and offset or 0
            local take = offset + limit - skip
            local picked = {}
            if buckets == 1 then
              local got = redis.call('zrevrangebyscore', KEYS[2], '+inf', live, 'WITHSCORES', 'LIMIT', skip, take)
              for i = 1, #got, 2 do
                picked[#picked + 1] = {1, got[i], got[i + 1]}
              end
            elseif skip < count then
              local top = '+inf'
              if skip > 2 * buckets then
                -- each bucket's entry at its share of skip: entries above the highest of these marks
                -- number at most skip (at most its share in each bucket); a middle one leaves fewer to pop
                local marks = {}
                for b = 1, buckets do
                  if sizes[b] > 0 then
                    local rank = math.floor(skip * sizes[b] / count)
                    marks[#marks + 1] = tonumber(redis.call('zrevrange', KEYS[2 * b], rank, rank, 'WITHSCORES')[2])
                  end
                end
                table.sort(marks, function(x, y) return x > y end)
                for _, at in ipairs({math.ceil(#marks / 2), math.ceil(#marks * 7 / 16), math.ceil(#marks * 5 / 16), 1}) do
                  local n = above(marks[at])
                  if n <= skip then
                    top, skip = marks[at], skip - n
                    break
                  end
                end
              end
              local chunk = math.ceil((skip + take) / buckets) + 2
              local read, got, at, head, heap = {}, {}, {}, {}, {}
              local function refill(b)
                got[b] = redis.call('zrevrangebyscore', KEYS[2 * b], top, live, 'WITHSCORES', 'LIMIT', read[b], chunk)
                read[b], at[b] = read[b] + #got[b] / 2, 1
                head[b] = tonumber(got[b][2])
                return #got[b] > 0
              end
              local function before(x, y)
                if head[x] ~= head[y] then return head[x] > head[y] end
                return x < y
              end
              local function up(i)
                while i > 1 and before(heap[i], heap[math.floor(i / 2)]) do
                  local parent = math.floor(i / 2)
                  heap[i], heap[parent] = heap[parent], heap[i]
                  i = parent
                end
              end
              local function down(i)
                while true do
                  local first = i
                  for child = 2 * i, 2 * i + 1 do
                    if child <= #heap and before(heap[child], heap[first]) then first = child end
                  end
                  if first == i then return end
                  heap[i], heap[first] = heap[first], heap[i]
                  i = first
                end
              end
              for b = 1, buckets do
                read[b] = 0
                if refill(b) then
                  heap[#heap + 1] = b
                  up(#heap)
                end
              end
              for rank = 1, skip + take do
                if #heap == 0 then break end
                local b = heap[1]
                if rank > skip then picked[#picked + 1] = {b, got[b][at[b]], got[b][at[b] + 1]} end
                at[b] = at[b] + 2
                head[b] = tonumber(got[b][at[b] + 1])
                if at[b] > #got[b] and (#got[b] < 2 * chunk or not refill(b)) then
                  heap[1] = heap[#heap]
                  heap[#heap] = nil
                end
                down(1)
              end
            end
            local reply = {tostring(count)}
            if not values then
              for _, entry in ipairs(picked) do
                reply[#reply + 1] = entry[2]
                reply[#reply + 1] = entry[3]
              end
              return reply
            end
            local inBucket = {}
            for i, entry in ipairs(picked) do
              inBucket[entry[1]] = inBucket[entry[1]] or {}
              table.insert(inBucket[entry[1]], i)
            end
            local packed = {}
            for b, places in pairs(inBucket) do
              local wanted = {}
              for j, i in ipairs(places) do wanted[j] = picked[i][2] end
              for j, value in ipairs(redis.call('hmget', KEYS[2 * b - 1], unpack(wanted))) do
                packed[places[j]] = value
              end
            end
            for i, entry in ipairs(picked) do
              if packed[i] then
                local _, value = struct.unpack('dLc0', packed[i])
                reply[#reply + 1] = entry[2]
                reply[#reply + 1] = value
              end
            end
            return reply
            """;

    /**
     * KEYS: map, its expiry ZSET; ARGV: entry key, value, expiry (epoch ms), events channel, event.
     * The value is packed as Redisson packs it, with no maxIdle (0), which is why the idle set
     * Redisson keeps for maxIdle entries needs no update.
     */
    private static final String PUT_AND_PUBLISH_SCRIPT = """
            redis.call('hset', KEYS[1], ARGV[1], struct.pack('dLc0', 0, string.len(ARGV[2]), ARGV[2]))
            redis.call('zadd', KEYS[2], ARGV[3], ARGV[1])
            redis.call('publish', ARGV[4], ARGV[5])
            return 1
            """;

    /**
     * KEYS: each map of one shard, its expiry ZSET and its expired channel in turn; ARGV: now, the
     * most to take from one map. Takes what expired as Redisson's eviction task does, and
     * announces each entry on its map's channel in Redisson's message format, so Redisson's
     * {@code EntryExpiredListener} reads it. Atomic: with several instances sweeping, each entry
     * is announced once. Returns the most taken from one map.
     */
    private static final String SWEEP_SCRIPT = """
            local most = 0
            for b = 1, #KEYS / 3 do
              local map, expiry, channel = KEYS[3 * b - 2], KEYS[3 * b - 1], KEYS[3 * b]
              local expired = redis.call('zrangebyscore', expiry, 0, ARGV[1], 'LIMIT', 0, ARGV[2])
              if #expired > 0 then
                local packed = redis.call('hmget', map, unpack(expired))
                for i, key in ipairs(expired) do
                  if packed[i] then
                    local _, value = struct.unpack('dLc0', packed[i])
                    redis.call('publish', channel, struct.pack('Lc0Lc0', string.len(key), key, string.len(value), value))
                  end
                end
                redis.call('zrem', expiry, unpack(expired))
                redis.call('hdel', map, unpack(expired))
                most = math.max(most, #expired)
              end
            end
            return most
            """;

    /**
     * KEYS: a map, its expiry ZSET; ARGV: now, then the keys wanted. Returns the live ones with
     * their values, as Redisson's getAll reads them (an entry with no expiry member has no TTL).
     * Ours so that reading a map in a batch does not schedule Redisson's eviction task for it again.
     */
    private static final String READ_SCRIPT = """
            local now = tonumber(ARGV[1])
            local packed = redis.call('hmget', KEYS[1], unpack(ARGV, 2))
            local found = {}
            for i = 2, #ARGV do
              local v = packed[i - 1]
              if v then
                local expiry = redis.call('zscore', KEYS[2], ARGV[i])
                if expiry == false or tonumber(expiry) > now then
                  local _, value = struct.unpack('dLc0', v)
                  found[#found + 1] = ARGV[i]
                  found[#found + 1] = value
                end
              end
            end
            return found
            """;

    private final RedisBatcher batcher;
    private final RedisKeys keys;
    private final ToIntFunction<String> shardOf;
    private final int buckets;
    /** Every map, shard by shard, each shard's buckets in order: map {@code shard * buckets + bucket}. */
    private final List<String> names;
    private final List<RMapCache<String, String>> maps;
    private final String put;
    private final String sweep;
    private final InstantSource clock;

    /**
     * @param mapsOfShard the maps of each shard, one per bucket ({@link RedisKeys#presence}, or one
     *                    map: {@link RedisKeys#activity})
     * @param shardOf     the shard of an entry's key
     * @param clock       the system clock: Redisson's map cache compares its own entries' deadlines with it
     */
    public RedisExpiringEntries(RedissonClient redis, RedisBatcher batcher, RedisKeys keys,
                                IntFunction<List<String>> mapsOfShard, ToIntFunction<String> shardOf, InstantSource clock) {
        this.batcher = batcher;
        this.keys = keys;
        this.shardOf = shardOf;
        this.clock = clock;
        List<List<String>> byShard = keys.perShard(mapsOfShard);
        this.buckets = byShard.getFirst().size();
        this.names = byShard.stream().flatMap(List::stream).toList();
        this.maps = names.stream().map(name -> redis.<String, String>getMapCache(name, StringCodec.INSTANCE)).toList();
        this.put = keys.publishing(PUT_AND_PUBLISH_SCRIPT);
        this.sweep = keys.publishing(SWEEP_SCRIPT);
        if (redis instanceof Redisson redisson) {
            names.forEach(redisson.getEvictionScheduler()::remove);
        }
    }

    private int mapOf(String key) {
        return shardOf.applyAsInt(key) * buckets + (buckets == 1 ? 0 : RedisKeys.bucketOf(key, buckets));
    }

    private List<Object> mapAndIndex(int map) {
        return List.of(names.get(map), RedisKeys.expiryIndexOf(names.get(map)));
    }

    /** The maps of {@code shard} and their expiry ZSETs in turn: the page script's keys. */
    private List<Object> shardKeys(int shard) {
        List<Object> shardKeys = new ArrayList<>(2 * buckets);
        for (int map = shard * buckets; map < (shard + 1) * buckets; map++) {
            shardKeys.addAll(mapAndIndex(map));
        }
        return shardKeys;
    }

    @Override
    public void put(String key, String json, long expiresAt, AdminEvent event) {
        String message = AdminEventWire.encode(event);
        int map = mapOf(key);
        batcher.call(batch -> batch.getScript(StringCodec.INSTANCE).<Long>evalAsync(names.get(map), RScript.Mode.READ_WRITE,
                put, RScript.ReturnType.LONG, mapAndIndex(map),
                key, json, Long.toString(expiresAt), keys.events(map / buckets), message));
    }

    @Override
    public Map<String, String> getAll(Collection<String> wanted) {
        Map<Integer, Set<String>> byMap = new HashMap<>();
        wanted.forEach(key -> byMap.computeIfAbsent(mapOf(key), map -> new LinkedHashSet<>()).add(key));
        if (byMap.size() <= 1) {
            return byMap.entrySet().stream().findFirst().map(only -> maps.get(only.getKey()).getAll(only.getValue()))
                    .orElse(Map.of());
        }
        String now = Long.toString(clock.millis());
        List<Function<RBatch, ? extends CompletionStage<List<String>>>> reads = new ArrayList<>();
        byMap.forEach((map, mapKeys) -> {
            List<Object> args = new ArrayList<>(mapKeys.size() + 1);
            args.add(now);
            args.addAll(mapKeys);
            reads.add(batch -> batch.getScript(StringCodec.INSTANCE).evalAsync(names.get(map), RScript.Mode.READ_ONLY,
                    READ_SCRIPT, RScript.ReturnType.LIST, mapAndIndex(map), args.toArray()));
        });
        Map<String, String> found = new LinkedHashMap<>();
        for (List<String> pairs : batcher.together(reads)) {
            for (int i = 0; i + 1 < pairs.size(); i += 2) {
                found.put(pairs.get(i), pairs.get(i + 1));
            }
        }
        return found;
    }

    @Override
    public Optional<String> remove(String key) {
        return Optional.ofNullable(maps.get(mapOf(key)).remove(key));
    }

    /**
     * One shard: one script skips {@code offset} and returns the page's values. Several: first
     * each shard's live count and the keys and expiries of its first {@code offset + limit} entries
     * (only those can be on the page), merged here by expiry; then the values of just the page's
     * entries. Two round trips to each master, in parallel, and values read for one page only.
     */
    @Override
    public Page<Map.Entry<String, String>> newestFirst(int offset, int limit) {
        return keys.shards() == 1 ? newestFirstInOne(offset, limit) : newestFirstMerged(offset, limit);
    }

    private Function<RBatch, CompletionStage<List<String>>> page(int shard, int offset, int limit, String mode) {
        String now = Long.toString(clock.millis());
        return batch -> batch.getScript(StringCodec.INSTANCE).evalAsync(names.get(shard * buckets),
                RScript.Mode.READ_ONLY, PAGE_SCRIPT, RScript.ReturnType.LIST, shardKeys(shard), now,
                Integer.toString(offset), Integer.toString(limit), mode);
    }

    private Page<Map.Entry<String, String>> newestFirstInOne(int offset, int limit) {
        List<String> reply = batcher.call(page(0, offset, limit, "values"));
        List<Map.Entry<String, String>> page = new ArrayList<>(reply.size() / 2);
        for (int i = 1; i + 1 < reply.size(); i += 2) {
            page.add(Map.entry(reply.get(i), reply.get(i + 1)));
        }
        return Page.of(page, Long.parseLong(reply.getFirst()), offset);
    }

    private Page<Map.Entry<String, String>> newestFirstMerged(int offset, int limit) {
        List<Function<RBatch, ? extends CompletionStage<List<String>>>> ranks = new ArrayList<>();
        for (int shard = 0; shard < keys.shards(); shard++) {
            ranks.add(page(shard, offset, limit, "ranks"));
        }
        long count = 0;
        List<Map.Entry<String, Double>> ranked = new ArrayList<>();
        for (List<String> reply : batcher.together(ranks)) {
            count += Long.parseLong(reply.getFirst());
            for (int i = 1; i + 1 < reply.size(); i += 2) {
                ranked.add(Map.entry(reply.get(i), Double.parseDouble(reply.get(i + 1))));
            }
        }
        List<String> pageKeys = Page.mergedNewestFirst(ranked, Map.Entry::getValue, offset, limit).stream()
                .map(Map.Entry::getKey)
                .toList();
        Map<String, String> values = getAll(pageKeys);
        List<Map.Entry<String, String>> page = pageKeys.stream().filter(values::containsKey)
                .map(key -> Map.entry(key, values.get(key))).toList();
        return Page.of(page, count, offset, pageKeys.size());
    }

    @Override
    public long count() {
        double now = clock.millis();
        List<Function<RBatch, ? extends CompletionStage<Integer>>> counts = new ArrayList<>();
        names.forEach(name -> counts.add(batch -> batch.<String>getScoredSortedSet(RedisKeys.expiryIndexOf(name),
                StringCodec.INSTANCE).countAsync(now, false, Double.POSITIVE_INFINITY, true)));
        return batcher.together(counts).stream().mapToLong(Integer::longValue).sum();
    }

    /**
     * Takes every expired entry (at most {@code most} from each map) of every shard, announcing
     * each to the {@link #onExpired} listeners of every instance; returns the most taken from one
     * map. One script per shard, sent together.
     */
    public int sweep(int most) {
        String now = Long.toString(clock.millis());
        List<Function<RBatch, ? extends CompletionStage<Long>>> sweeps = new ArrayList<>();
        for (int shard = 0; shard < keys.shards(); shard++) {
            List<Object> shardKeys = new ArrayList<>(3 * buckets);
            for (int map = shard * buckets; map < (shard + 1) * buckets; map++) {
                shardKeys.addAll(mapAndIndex(map));
                shardKeys.add(RedisKeys.expiredChannelOf(names.get(map)));
            }
            String first = names.get(shard * buckets);
            sweeps.add(batch -> batch.getScript(StringCodec.INSTANCE).evalAsync(first, RScript.Mode.READ_WRITE, sweep,
                    RScript.ReturnType.LONG, shardKeys, now, Integer.toString(most)));
        }
        return batcher.together(sweeps).stream().mapToInt(Long::intValue).max().orElse(0);
    }

    /** Sweeps every {@code every} until the returned stop is run ({@link Sweeps#every}). */
    public Runnable sweepEvery(Duration every, int most) {
        return Sweeps.every("expiry-sweep", every, most, this::sweep);
    }

    /** Subscribes to every map's expiry notifications at once, then waits for them all. */
    @Override
    public void onExpired(BiConsumer<String, String> listener) {
        EntryExpiredListener<String, String> expired = event -> listener.accept(event.getKey(), event.getValue());
        maps.stream().map(map -> map.addListenerAsync(expired).toCompletableFuture()).toList()
                .forEach(CompletableFuture::join);
    }
}
