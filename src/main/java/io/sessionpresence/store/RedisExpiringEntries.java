package io.sessionpresence.store;

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
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

import io.sessionpresence.events.AdminEvent;
import io.sessionpresence.events.AdminEventWire;
import org.redisson.api.RBatch;
import org.redisson.api.RMapCache;
import org.redisson.api.RScoredSortedSetAsync;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.api.map.event.EntryExpiredListener;
import org.redisson.client.codec.StringCodec;
import org.redisson.client.protocol.ScoredEntry;

/**
 * {@code RMapCache}s with per-entry TTL, one per shard (a function of the entry's key picks it:
 * {@link RedisKeys#shardOf} for presence, the session's record's shard for tracked activity).
 * Newest-first reads walk Redisson's own expiry ZSET ({@link RedisKeys#expiryIndexOf}) backwards:
 * a page of 100 reads the values of 100 entries whatever the maps hold.
 *
 * <p>Writes, the heartbeat's hot path, use a script of our own instead of Redisson's
 * {@code fastPut}: that one takes 9 keys and 8 arguments and runs 9 commands (lease check,
 * max-size options, idle set, a created/updated notification nobody here listens to); ours writes
 * the same two structures in the same format, so Redisson's reads, its eviction task and its
 * expiry notifications see no difference, and publishes the admin event in the same script, on
 * the shard's own channel.
 */
public final class RedisExpiringEntries implements ExpiringEntries {
    /**
     * KEYS: map, its expiry ZSET; ARGV: now, offset, limit. Returns the live count, then the page's
     * keys and values in turn. Redisson keeps each RMapCache value as
     * {@code struct.pack('dLc0', maxIdle, len, value)}; entries here never have a maxIdle, so the
     * expiry ZSET alone says what is live (as in Redisson's own reads).
     */
    private static final String NEWEST_FIRST_SCRIPT = """
            local live = '(' .. ARGV[1]
            local page = {tostring(redis.call('zcount', KEYS[2], live, '+inf'))}
            local keys = redis.call('zrevrangebyscore', KEYS[2], '+inf', live, 'LIMIT', ARGV[2], ARGV[3])
            if #keys > 0 then
              for i, packed in ipairs(redis.call('hmget', KEYS[1], unpack(keys))) do
                if packed then
                  local _, value = struct.unpack('dLc0', packed)
                  page[#page + 1] = keys[i]
                  page[#page + 1] = value
                end
              end
            end
            return page
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

    private final RedisBatcher batcher;
    private final RedisKeys keys;
    private final ToIntFunction<String> shardOf;
    private final List<String> names;
    private final List<RMapCache<String, String>> maps;
    private final String put;
    private final RScript script;
    private final InstantSource clock;

    /**
     * @param mapOfShard the map's name in each shard ({@link RedisKeys#presence}, {@link RedisKeys#activity})
     * @param shardOf    the shard of an entry's key
     * @param clock      the system clock: Redisson's map cache compares its own entries' deadlines with it
     */
    public RedisExpiringEntries(RedissonClient redis, RedisBatcher batcher, RedisKeys keys, IntFunction<String> mapOfShard,
                                ToIntFunction<String> shardOf, InstantSource clock) {
        this.batcher = batcher;
        this.keys = keys;
        this.shardOf = shardOf;
        this.clock = clock;
        this.names = keys.perShard(mapOfShard);
        this.maps = names.stream().map(name -> redis.<String, String>getMapCache(name, StringCodec.INSTANCE)).toList();
        this.put = keys.publishing(PUT_AND_PUBLISH_SCRIPT);
        this.script = redis.getScript(StringCodec.INSTANCE);
    }

    private List<Object> mapAndIndex(int shard) {
        return List.of(names.get(shard), RedisKeys.expiryIndexOf(names.get(shard)));
    }

    @Override
    public void put(String key, String json, long expiresAt, AdminEvent event) {
        String message = AdminEventWire.encode(event);
        int shard = shardOf.applyAsInt(key);
        batcher.call(batch -> batch.getScript(StringCodec.INSTANCE).<Long>evalAsync(names.get(shard), RScript.Mode.READ_WRITE,
                put, RScript.ReturnType.LONG, mapAndIndex(shard),
                key, json, Long.toString(expiresAt), keys.events(shard), message));
    }

    @Override
    public Map<String, String> getAll(Collection<String> wanted) {
        Map<Integer, Set<String>> byShard = new HashMap<>();
        wanted.forEach(key -> byShard.computeIfAbsent(shardOf.applyAsInt(key), shard -> new LinkedHashSet<>()).add(key));
        if (byShard.size() <= 1) {
            return byShard.entrySet().stream().findFirst().map(only -> maps.get(only.getKey()).getAll(only.getValue()))
                    .orElse(Map.of());
        }
        List<Function<RBatch, ? extends CompletionStage<Map<String, String>>>> reads = new ArrayList<>();
        byShard.forEach((shard, shardKeys) -> reads.add(batch -> batch.<String, String>getMapCache(names.get(shard),
                StringCodec.INSTANCE).getAllAsync(shardKeys)));
        Map<String, String> found = new LinkedHashMap<>();
        batcher.together(reads).forEach(found::putAll);
        return found;
    }

    @Override
    public Optional<String> remove(String key) {
        return Optional.ofNullable(maps.get(shardOf.applyAsInt(key)).remove(key));
    }

    /**
     * One shard: one script skips {@code offset} and returns the page's values. Several: first
     * each shard's live count and the keys and expiries of its first {@code offset + limit} entries
     * (only those can be on the page), merged here by expiry; then the values of just the page's
     * entries. Two round trips to each master, in parallel, and values read for one page only.
     */
    @Override
    public Page<Map.Entry<String, String>> newestFirst(int offset, int limit) {
        return names.size() == 1 ? newestFirstInOne(offset, limit) : newestFirstMerged(offset, limit);
    }

    private Page<Map.Entry<String, String>> newestFirstInOne(int offset, int limit) {
        List<String> reply = script.eval(names.getFirst(), RScript.Mode.READ_ONLY, NEWEST_FIRST_SCRIPT,
                RScript.ReturnType.LIST, mapAndIndex(0), Long.toString(clock.millis()), Integer.toString(offset),
                Integer.toString(limit));
        List<Map.Entry<String, String>> page = new ArrayList<>(reply.size() / 2);
        for (int i = 1; i + 1 < reply.size(); i += 2) {
            page.add(Map.entry(reply.get(i), reply.get(i + 1)));
        }
        return Page.of(page, Long.parseLong(reply.getFirst()), offset);
    }

    private Page<Map.Entry<String, String>> newestFirstMerged(int offset, int limit) {
        double now = clock.millis();
        List<Function<RBatch, ? extends CompletionStage<Ranked>>> ranks = new ArrayList<>();
        for (String name : names) {
            ranks.add(batch -> {
                RScoredSortedSetAsync<String> index = batch.getScoredSortedSet(RedisKeys.expiryIndexOf(name), StringCodec.INSTANCE);
                return index.countAsync(now, false, Double.POSITIVE_INFINITY, true).thenCombine(
                        index.entryRangeReversedAsync(now, false, Double.POSITIVE_INFINITY, true, 0, offset + limit), Ranked::new);
            });
        }
        long count = 0;
        List<ScoredEntry<String>> ranked = new ArrayList<>();
        for (Ranked shard : batcher.together(ranks)) {
            count += shard.count();
            ranked.addAll(shard.entries());
        }
        List<String> pageKeys = Page.mergedNewestFirst(ranked, ScoredEntry::getScore, offset, limit).stream()
                .map(ScoredEntry::getValue)
                .toList();
        Map<String, String> values = getAll(pageKeys);
        List<Map.Entry<String, String>> page = pageKeys.stream().filter(values::containsKey)
                .map(key -> Map.entry(key, values.get(key))).toList();
        return Page.of(page, count, offset, pageKeys.size());
    }

    /** One shard's live count and its first entries by expiry, newest first. */
    private record Ranked(int count, Collection<ScoredEntry<String>> entries) {
    }

    @Override
    public long count() {
        double now = clock.millis();
        List<Function<RBatch, ? extends CompletionStage<Integer>>> counts = new ArrayList<>();
        names.forEach(name -> counts.add(batch -> batch.<String>getScoredSortedSet(RedisKeys.expiryIndexOf(name),
                StringCodec.INSTANCE).countAsync(now, false, Double.POSITIVE_INFINITY, true)));
        return batcher.together(counts).stream().mapToLong(Integer::longValue).sum();
    }

    @Override
    public void onExpired(BiConsumer<String, String> listener) {
        maps.forEach(map -> map.addListener((EntryExpiredListener<String, String>) event ->
                listener.accept(event.getKey(), event.getValue())));
    }
}
