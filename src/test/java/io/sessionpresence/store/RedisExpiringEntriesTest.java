package io.sessionpresence.store;

import java.net.URI;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.sessionpresence.events.AdminEvent;
import io.sessionpresence.json.Json;
import io.sessionpresence.testing.RedisExtension;
import io.sessionpresence.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.Redisson;
import org.redisson.api.RMapCache;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Entries written by our own put script are, to Redisson, ordinary {@code RMapCache} entries:
 * its reads return them with their TTL, its eviction task expires them and notifies the expiry
 * listener; and the write with its admin event costs one script in one round trip.
 */
@ExtendWith(RedisExtension.class)
class RedisExpiringEntriesTest {
    private static final AdminEvent EVENT = new AdminEvent("admin:presence:update", Json.fields("user", "u1"));

    private TestRedis redis;
    private RedisSettings settings;
    private RedissonClient client;
    private RedisKeys keys;
    private RedisExpiringEntries entries;

    @BeforeEach
    void connect(TestRedis testRedis) {
        redis = testRedis;
        settings = new RedisSettings("redis", new RedisTopology.SingleServer(URI.create(redis.url())), RedisAccess.NONE,
                5000, 5000, "put" + System.nanoTime() + ":", 1, 2, 500, 8, 2, 4, 0);
        client = Redisson.create(RedisConnection.redissonConfig(settings));
        keys = new RedisKeys(settings.keyPrefix());
        entries = new RedisExpiringEntries(client, new RedisBatcher(client, 5000, 4, 128, size -> { }), keys, keys::presence, keys::shardOf,
                InstantSource.system());
    }

    @AfterEach
    void disconnect() {
        client.shutdown();
    }

    @Test
    void redissonReadsWhatThePutScriptWrote() {
        long expiresAt = System.currentTimeMillis() + 60_000;
        entries.put("u1|10.0.0.1", "{\"user\":\"u1\"}", expiresAt, EVENT);

        RMapCache<String, String> map = client.getMapCache(
                keys.presence(0).get(RedisKeys.bucketOf("u1|10.0.0.1", keys.presenceBuckets())), StringCodec.INSTANCE);
        assertEquals("{\"user\":\"u1\"}", map.get("u1|10.0.0.1"));
        long ttl = map.remainTimeToLive("u1|10.0.0.1");
        assertTrue(ttl > 55_000 && ttl <= 60_000, "TTL as written: " + ttl);
        assertEquals(Map.of("u1|10.0.0.1", "{\"user\":\"u1\"}"), entries.getAll(List.of("u1|10.0.0.1", "absent")));
        assertEquals(1, entries.count());
        assertEquals(List.of(Map.entry("u1|10.0.0.1", "{\"user\":\"u1\"}")), entries.newestFirst(0, 10).items());

        entries.put("u1|10.0.0.1", "{\"user\":\"u1\",\"page\":\"/2\"}", expiresAt + 1000, EVENT);
        assertEquals("{\"user\":\"u1\",\"page\":\"/2\"}", map.get("u1|10.0.0.1"), "an update replaces the value");
        assertEquals(1, entries.count(), "and does not add an entry");
        assertEquals("{\"user\":\"u1\",\"page\":\"/2\"}", entries.remove("u1|10.0.0.1").orElseThrow());
        assertEquals(0, entries.count());
    }

    /**
     * Pages of one shard's buckets walk every live entry once, newest first, whatever the
     * expiries: most here bunch up on a few milliseconds (as after a burst of heartbeats), many
     * tie, and expired ones still sit in the ZSETs; a deep page read on its own is the same slice.
     */
    @Test
    void pagesOverTheBucketsListEveryLiveEntryOnceNewestFirst() {
        long now = System.currentTimeMillis();
        int live = 6_000;
        for (int i = 0; i < live; i++) {
            long expiresAt = now + 600_000 + (i < 5_000 ? i % 50 : 50 + (i - 5_000) * 37L);
            entries.put("user" + i + "|10.0.0." + (i % 250), Long.toString(expiresAt), expiresAt, EVENT);
        }
        for (int i = 0; i < 300; i++) {
            entries.put("gone" + i + "|10.0.0.1", "0", now - 1_000 - i, EVENT);
        }

        List<String> walked = new ArrayList<>();
        long previous = Long.MAX_VALUE;
        for (Integer cursor = 0; cursor != null; ) {
            Page<Map.Entry<String, String>> page = entries.newestFirst(cursor, 97);
            assertEquals(live, page.count(), "expired entries are not counted");
            for (Map.Entry<String, String> entry : page.items()) {
                long expiresAt = Long.parseLong(entry.getValue());
                assertTrue(expiresAt <= previous, "newest first at " + walked.size());
                previous = expiresAt;
                walked.add(entry.getKey());
            }
            cursor = page.nextCursor();
        }
        assertEquals(live, walked.size());
        assertEquals(live, Set.copyOf(walked).size(), "every entry once");
        for (int offset : List.of(300, 2_500, 4_990, 5_950)) {
            assertEquals(walked.subList(offset, Math.min(live, offset + 100)),
                    entries.newestFirst(offset, 100).items().stream().map(Map.Entry::getKey).toList(), "page at " + offset);
        }
    }

    @Test
    void theAdminEventGoesOutOnTheEventsChannel() throws InterruptedException {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        client.getTopic(keys.events(0), StringCodec.INSTANCE).addListener(String.class, (ch, message) -> received.add(message));

        entries.put("u1|10.0.0.1", "{}", System.currentTimeMillis() + 60_000, EVENT);

        assertEquals(Json.writeString(EVENT), received.poll(5, TimeUnit.SECONDS));
    }

    /**
     * Expired entries stay until a sweep (Redisson's own eviction task is off for these maps),
     * which takes them and announces each once to every instance's listeners, however many
     * instances sweep at once; reads never return them meanwhile.
     */
    @Test
    void theSweepTakesExpiredEntriesOnceAndEveryInstanceHearsOfThem() throws Exception {
        RedissonClient otherClient = Redisson.create(RedisConnection.redissonConfig(settings));
        try {
            RedisExpiringEntries other = new RedisExpiringEntries(otherClient, new RedisBatcher(otherClient, 5000, 4, 128,
                    size -> { }), keys, keys::presence, keys::shardOf, InstantSource.system());
            BlockingQueue<String> here = new LinkedBlockingQueue<>();
            BlockingQueue<String> there = new LinkedBlockingQueue<>();
            entries.onExpired((key, json) -> here.add(key + "=" + json));
            other.onExpired((key, json) -> there.add(key + "=" + json));
            List<String> shortLived = List.of("short1|10.0.0.1", "short2|10.0.0.1", "short3|10.0.0.1");
            long now = System.currentTimeMillis();
            shortLived.forEach(key -> entries.put(key, "{\"key\":\"" + key + "\"}", now + 300, EVENT));
            entries.put("long|10.0.0.1", "{}", now + 60_000, EVENT);

            Thread.sleep(2_500); // past the entries' deadline and Redisson's eviction delay (1 s here)
            assertEquals(3, shortLived.stream().filter(this::stillStored).count(), "nothing but a sweep takes them");
            assertEquals(1, entries.count(), "expired entries are not counted");
            List<String> wanted = new ArrayList<>(shortLived);
            wanted.add("long|10.0.0.1");
            assertEquals(Map.of("long|10.0.0.1", "{}"), entries.getAll(wanted), "nor read");

            Thread sweepingThere = Thread.ofVirtual().start(() -> other.sweep(500));
            entries.sweep(500);
            sweepingThere.join();
            List<String> expected = shortLived.stream().map(key -> key + "={\"key\":\"" + key + "\"}").sorted().toList();
            for (BlockingQueue<String> heard : List.of(here, there)) {
                List<String> got = new ArrayList<>();
                for (int i = 0; i < expected.size(); i++) {
                    got.add(heard.poll(5, TimeUnit.SECONDS));
                }
                assertEquals(expected, got.stream().sorted().toList());
                assertEquals(null, heard.poll(300, TimeUnit.MILLISECONDS), "each entry announced once");
            }
            assertEquals(0, shortLived.stream().filter(this::stillStored).count());
            assertEquals(0, entries.sweep(500), "nothing left to take");
            assertEquals(Map.of("long|10.0.0.1", "{}"), entries.getAll(wanted));
        } finally {
            otherClient.shutdown();
        }
    }

    private boolean stillStored(String key) {
        String map = keys.presence(0).get(RedisKeys.bucketOf(key, keys.presenceBuckets()));
        return client.getScoredSortedSet(RedisKeys.expiryIndexOf(map), StringCodec.INSTANCE).getScore(key) != null;
    }

    @Test
    void aPutWithItsEventIsOneScriptInOneRoundTrip() {
        entries.put("warm|10.0.0.1", "{}", System.currentTimeMillis() + 60_000, EVENT); // loads the script

        Map<String, Long> delta = redis.commandsDuring(() ->
                entries.put("cost|10.0.0.1", "{}", System.currentTimeMillis() + 60_000, EVENT));
        assertEquals(Map.of("evalsha", 1L, "hset", 1L, "zadd", 1L, "publish", 1L), delta,
                "one EVALSHA running HSET, ZADD and the event's PUBLISH, nothing else");
        long roundTrips = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            roundTrips = Math.min(roundTrips, redis.roundTripsDuring(() ->
                    entries.put("cost|10.0.0.1", "{}", System.currentTimeMillis() + 60_000, EVENT)));
        }
        assertEquals(1, roundTrips);
    }
}
