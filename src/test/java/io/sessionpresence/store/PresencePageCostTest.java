package io.sessionpresence.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.sessionpresence.presence.PresenceService;
import io.sessionpresence.presence.PresenceSettings;
import io.sessionpresence.presence.Visitor;
import io.sessionpresence.realtime.AdminEvents;
import io.sessionpresence.testing.RedisExtension;
import io.sessionpresence.testing.TestRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With 10,000 users present, one admin page of 100 reads about 100 entries from Redis, not 10,000. */
@ExtendWith(RedisExtension.class)
class PresencePageCostTest {

    @Test
    void aPageOf100ReadsOnlyItsEntries(TestRedis redis) {
        RedisSettings settings = new RedisSettings("redis", redis.url(), 5000, 5000, "cost" + System.nanoTime() + ":", 1, 5, 500);
        RedissonClient client = Redisson.create(StoreSelector.redissonConfig(settings));
        try {
            RedisKeys keys = new RedisKeys(settings.keyPrefix());
            ExpiringEntries entries = new RedisExpiringEntries(client, keys.presence(), (batch, event) -> { });
            PresenceService presence = new PresenceService(entries, new MemoryExpiringEntries(AdminEvents.NONE),
                    new PresenceSettings(300, 1800, true, List.of()), AdminEvents.NONE);
            for (int i = 0; i < 10_000; i++) {
                presence.heartbeat(new Visitor("user-" + i, null, false, "10.0.0." + (i % 250), "ua"), "/p");
            }
            presence.presencePage(100, 100, java.util.Optional.empty()); // loads the scripts once
            Map<String, Long> before = stats(redis);
            var page = presence.presencePage(0, 100, java.util.Optional.empty());
            Map<String, Long> after = stats(redis);

            assertEquals(100, page.items().size());
            assertEquals(10_000, page.count());
            assertEquals("user-9999", page.items().getFirst().user(), "newest first");
            Map<String, Long> delta = new HashMap<>();
            after.forEach((k, v) -> {
                long d = v - before.getOrDefault(k, 0L);
                if (d > 0 && !k.equals("info") && !k.equals("ping")) {
                    delta.put(k, d);
                }
            });
            long valueReads = delta.getOrDefault("hget", 0L) + delta.getOrDefault("hmget", 0L);
            assertTrue(valueReads > 0 && valueReads <= 300, "entries read for one page: " + delta);
            long roundTrips = delta.getOrDefault("evalsha", 0L) + delta.getOrDefault("eval", 0L)
                    + delta.getOrDefault("zrevrangebyscore", 0L) + delta.getOrDefault("zcount", 0L);
            assertTrue(roundTrips <= 3, "page + count in at most 3 round trips: " + delta);
        } finally {
            client.shutdown();
        }
    }

    private static Map<String, Long> stats(TestRedis redis) {
        Map<String, Long> stats = new HashMap<>();
        for (String line : redis.command("INFO", "commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_")) {
                int calls = line.indexOf("calls=") + 6;
                stats.put(line.substring(8, line.indexOf(':')), Long.parseLong(line.substring(calls, line.indexOf(',', calls))));
            }
        }
        return stats;
    }
}
