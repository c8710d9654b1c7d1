package io.sessionpresence.store;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.sessionpresence.events.AdminEvents;
import io.sessionpresence.presence.Presence;
import io.sessionpresence.presence.PresenceService;
import io.sessionpresence.presence.PresenceSettings;
import io.sessionpresence.presence.Visitor;
import io.sessionpresence.testing.RedisExtension;
import io.sessionpresence.testing.TestRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With 10,000 users present, one admin page of 100 reads about 100 entries from Redis, not
 * 10,000, in one round trip (page and count together).
 */
@ExtendWith(RedisExtension.class)
class PresencePageCostTest {

    @Test
    void aPageOf100ReadsOnlyItsEntries(TestRedis redis) {
        RedisSettings settings = RedisSettings.forUrl(redis.url(), 5000, "cost" + System.nanoTime() + ":", 8, 4);
        RedissonClient client = Redisson.create(RedisConnection.redissonConfig(settings));
        try {
            RedisKeys keys = new RedisKeys(settings.keyPrefix());
            ExpiringEntries entries = new RedisExpiringEntries(client, new RedisBatcher(client, 5000, 4, 128, size -> { }),
                    keys, keys::presence, keys::shardOf, InstantSource.system());
            PresenceService presence = new PresenceService(entries,
                    new MemoryExpiringEntries(AdminEvents.NONE, TimeSource.system(), new MemoryBudget(MemoryLimits.heapShare())),
                    new PresenceSettings(300, 1800, true, List.of()), AdminEvents.NONE, InstantSource.system());
            for (int i = 0; i < 10_000; i++) {
                presence.heartbeat(new Visitor("user-" + i, null, false, "10.0.0." + (i % 250), "ua"), "/p");
            }
            presence.presencePage(100, 100, Optional.empty()); // loads the scripts once
            List<Page<Presence>> pages = new ArrayList<>();
            Map<String, Long> delta = redis.commandsDuring(() ->
                    pages.add(presence.presencePage(0, 100, Optional.empty())));
            var page = pages.getFirst();

            assertEquals(100, page.items().size());
            assertEquals(10_000, page.count());
            assertEquals("user-9999", page.items().getFirst().user(), "newest first");
            long valueReads = delta.getOrDefault("hget", 0L) + delta.getOrDefault("hmget", 0L);
            assertTrue(valueReads > 0 && valueReads <= 300, "entries read for one page: " + delta);
            long scripts = delta.entrySet().stream().filter(e -> e.getKey().startsWith("eval"))
                    .mapToLong(Map.Entry::getValue).sum();
            assertEquals(1, scripts, "one script: " + delta);
            long roundTrips = Long.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                roundTrips = Math.min(roundTrips,
                        redis.roundTripsDuring(() -> presence.presencePage(5_000, 100, Optional.empty())));
            }
            assertEquals(1, roundTrips, "a page with its count is one round trip, however deep");
        } finally {
            client.shutdown();
        }
    }
}
