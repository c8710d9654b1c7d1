package io.sessionpresence.store;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

import io.sessionpresence.events.AdminEvent;
import io.sessionpresence.events.AdminEventWire;
import org.redisson.api.RMapCache;
import org.redisson.api.RScoredSortedSet;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.api.map.event.EntryExpiredListener;
import org.redisson.client.codec.StringCodec;

/**
 * An {@code RMapCache} with per-entry TTL. Newest-first reads walk Redisson's own expiry ZSET
 * ({@link RedisKeys#expiryIndexOf}) backwards: a page of 100 reads 100 entries whatever the map
 * holds, in one script.
 *
 * <p>Writes, the heartbeat's hot path, use a script of our own instead of Redisson's
 * {@code fastPut}: that one takes 9 keys and 8 arguments and runs 9 commands (lease check,
 * max-size options, idle set, a created/updated notification nobody here listens to); ours writes
 * the same two structures in the same format, so Redisson's reads, its eviction task and its
 * expiry notifications see no difference, and publishes the admin event in the same script.
 */
public final class RedisExpiringEntries implements ExpiringEntries {
    /**
     * KEYS: map, its expiry ZSET; ARGV: now, offset, limit. Returns the live count, then the page's
     * keys and values in turn. Redisson keeps each RMapCache value as {@code struct.pack('dLc0', maxIdle, len, value)};
     * entries here never have a maxIdle, so the expiry ZSET alone says what is live (as in
     * Redisson's own reads).
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
    private final String name;
    private final RMapCache<String, String> map;
    private final RScoredSortedSet<String> expiryIndex;
    private final List<Object> mapAndIndex;
    private final String eventsChannel;
    private final RScript script;
    private final InstantSource clock;

    /**
     * @param eventsChannel where {@link #put} publishes its admin event ({@link RedisKeys#events})
     * @param clock         the system clock: Redisson's map cache compares its own entries' deadlines with it
     */
    public RedisExpiringEntries(RedissonClient redis, RedisBatcher batcher, String name, String eventsChannel,
                                InstantSource clock) {
        this.batcher = batcher;
        this.clock = clock;
        this.name = name;
        this.map = redis.getMapCache(name, StringCodec.INSTANCE);
        this.expiryIndex = redis.getScoredSortedSet(RedisKeys.expiryIndexOf(name), StringCodec.INSTANCE);
        this.mapAndIndex = List.of(name, RedisKeys.expiryIndexOf(name));
        this.eventsChannel = eventsChannel;
        this.script = redis.getScript(StringCodec.INSTANCE);
    }

    @Override
    public void put(String key, String json, long expiresAt, AdminEvent event) {
        String message = AdminEventWire.encode(event);
        batcher.call(batch -> batch.getScript(StringCodec.INSTANCE).<Long>evalAsync(name, RScript.Mode.READ_WRITE,
                PUT_AND_PUBLISH_SCRIPT, RScript.ReturnType.LONG, mapAndIndex,
                key, json, Long.toString(expiresAt), eventsChannel, message));
    }

    @Override
    public Map<String, String> getAll(Collection<String> keys) {
        return keys.isEmpty() ? Map.of() : map.getAll(new LinkedHashSet<>(keys));
    }

    @Override
    public Optional<String> remove(String key) {
        return Optional.ofNullable(map.remove(key));
    }

    @Override
    public Page<Map.Entry<String, String>> newestFirst(int offset, int limit) {
        List<String> reply = script.eval(name, RScript.Mode.READ_ONLY, NEWEST_FIRST_SCRIPT, RScript.ReturnType.LIST,
                mapAndIndex,
                Long.toString(clock.millis()), Integer.toString(offset), Integer.toString(limit));
        List<Map.Entry<String, String>> page = new ArrayList<>(reply.size() / 2);
        for (int i = 1; i + 1 < reply.size(); i += 2) {
            page.add(Map.entry(reply.get(i), reply.get(i + 1)));
        }
        return Page.of(page, Long.parseLong(reply.getFirst()), offset);
    }

    @Override
    public long count() {
        return expiryIndex.count(clock.millis(), false, Double.POSITIVE_INFINITY, true);
    }

    @Override
    public void onExpired(BiConsumer<String, String> listener) {
        map.addListener((EntryExpiredListener<String, String>) event -> listener.accept(event.getKey(), event.getValue()));
    }
}
