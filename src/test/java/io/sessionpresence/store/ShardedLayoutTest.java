package io.sessionpresence.store;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.IntConsumer;

import io.sessionpresence.backend.RedisBackend;
import io.sessionpresence.config.ConfigLoader;
import io.sessionpresence.config.InvalidConfigException;
import io.sessionpresence.events.AdminEvent;
import io.sessionpresence.events.AdminEvents;
import io.sessionpresence.session.LimitPolicy;
import io.sessionpresence.session.Session;
import io.sessionpresence.session.SessionListings;
import io.sessionpresence.session.SessionStore;
import io.sessionpresence.session.Tokens;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestRedis;
import io.sessionpresence.testing.TestRedisCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sessions and presence spread over {@code redis.shards} maps: pages newest first that merge the
 * shards and see every entry exactly once, exact counts, the shard count guarded, and on a
 * 3-master Cluster the keys and memory spread evenly over the masters.
 */
class ShardedLayoutTest {
    private static final int ENTRIES = 10_000;
    private static final int PAGE = 97;

    private static RedisBackend backend(StoreKind store, Map<String, String> more) {
        Map<String, String> config = new HashMap<>(store.config());
        config.putAll(more);
        return backend(config);
    }

    private static RedisBackend backend(Map<String, String> config) {
        return RedisBackend.connect(RedisSettings.from(ConfigLoader.load(Map.of(), config)), InstantSource.system(), size -> { });
    }

    @ParameterizedTest
    @EnumSource(value = StoreKind.class, names = {"REDIS", "REDIS_CLUSTER"})
    void sixteenShardsPageEveryEntryExactlyOnce(StoreKind store) throws Exception {
        try (RedisBackend backend = backend(store, Map.of("redis.shards", "16"))) {
            ExpiringEntries presence = backend.presenceEntries(AdminEvents.NONE);
            long now = System.currentTimeMillis();
            AdminEvent event = new AdminEvent("presence_update", Map.of());
            // Every 7th entry shares its expiry with the one before: ties must not lose or repeat entries.
            inParallel(ENTRIES, i -> presence.put("user" + i + "|10.0.0." + (i % 250), "[\"ua\",\"/p\"," + i + ",false]",
                    now + 600_000 + i - (i % 7 == 0 ? 1 : 0), event));
            assertEquals(ENTRIES, presence.count());
            Set<String> seen = new HashSet<>();
            Integer cursor = 0;
            int pages = 0;
            while (cursor != null) {
                Page<Map.Entry<String, String>> page = presence.newestFirst(cursor, PAGE);
                assertEquals(ENTRIES, page.count());
                for (Map.Entry<String, String> entry : page.items()) {
                    assertTrue(seen.add(entry.getKey()), "seen twice: " + entry.getKey());
                }
                cursor = page.nextCursor();
                pages++;
            }
            assertEquals(ENTRIES, seen.size(), "every presence entry once, in " + pages + " pages");

            SessionStore sessions = backend.sessionStore(0, AdminEvents.NONE);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < ENTRIES; i++) {
                ids.add(Tokens.newSessionId("shard-user-" + (i / 5)));
            }
            inParallel(ENTRIES, i -> sessions.create("hash" + i, new Session(ids.get(i), "shard-user-" + (i / 5), now,
                    now + 3_600_000 + i, now, false, "10.0.0.1", "ua"), 50, LimitPolicy.EVICT_OLDEST, Optional.empty()));
            assertEquals(ENTRIES, sessions.countSessions());
            assertEquals(ENTRIES / 5, sessions.countUsers());
            Set<String> seenSessions = new HashSet<>();
            long previous = Long.MAX_VALUE;
            for (Integer at = 0; at != null; ) {
                Page<Session> page = sessions.page(at, PAGE);
                for (Session session : page.items()) {
                    assertTrue(seenSessions.add(session.sessionId()), "seen twice: " + session.sessionId());
                    assertTrue(session.expiresAt() <= previous, "newest first");
                    previous = session.expiresAt();
                }
                at = page.nextCursor();
            }
            assertEquals(Set.copyOf(ids), seenSessions, "every session once");
            findsManyTokensAtOnce(sessions, ids);

            listsEverySessionWithItsActivity(backend, sessions, ids, now);
        }
    }

    /**
     * {@link SessionStore#findAllByToken} (how the near cache renews its entries) over every
     * shard: in the order asked, each answered as {@link SessionStore#findByToken} answers it, a
     * wrong secret or an unknown session empty.
     */
    private static void findsManyTokensAtOnce(SessionStore sessions, List<String> ids) {
        List<SessionStore.TokenHash> asked = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += 37) {
            asked.add(new SessionStore.TokenHash(ids.get(i), i % 2 == 0 ? "hash" + i : "wrong"));
        }
        asked.add(new SessionStore.TokenHash(Tokens.newSessionId("no-such-user"), "hash0"));
        List<Optional<Session>> found = sessions.findAllByToken(asked);
        assertEquals(asked.size(), found.size());
        int live = 0;
        for (int n = 0; n < asked.size(); n++) {
            SessionStore.TokenHash token = asked.get(n);
            Optional<Session> one = token.secretHash().equals("wrong") ? Optional.empty()
                    : sessions.findByToken(token.sessionId(), token.secretHash());
            assertEquals(one, found.get(n), token.sessionId());
            live += one.isPresent() ? 1 : 0;
        }
        assertEquals((ids.size() + 73) / 74, live, "every other one asked with its own secret");
    }

    /** The admin listing on one shard, where the script itself skips the offset; the page size does not divide the count. */
    @Test
    void oneShardListsEverySessionWithItsActivity() throws Exception {
        try (RedisBackend backend = backend(StoreKind.REDIS, Map.of())) {
            SessionStore sessions = backend.sessionStore(0, AdminEvents.NONE);
            long now = System.currentTimeMillis();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                ids.add(Tokens.newSessionId("one-shard-user-" + (i / 5)));
            }
            inParallel(ids.size(), i -> sessions.create("hash" + i, new Session(ids.get(i), "one-shard-user-" + (i / 5), now,
                    now + 3_600_000 + i, now, false, "10.0.0.1", "ua"), 50, LimitPolicy.EVICT_OLDEST, Optional.empty()));
            listsEverySessionWithItsActivity(backend, sessions, ids, now);
        }
    }

    /**
     * Tracks the activity of every third of {@code ids} and of as many sids of no session (every
     * 7th sharing its expiry with the one before), then walks the admin listing page by page:
     * every session once, newest first, each with exactly its own tracked activity; every tracked
     * entry once, newest first.
     */
    private static void listsEverySessionWithItsActivity(RedisBackend backend, SessionStore sessions, List<String> ids,
                                                         long now) throws Exception {
        ExpiringEntries activity = backend.activityEntries(AdminEvents.NONE);
        Map<String, String> tracked = new HashMap<>();
        Map<String, Long> expiries = new HashMap<>();
        for (int i = 0; i < ids.size(); i += 3) {
            tracked.put(ids.get(i), "[\"user\",\"10.0.0.1\",\"ua\"," + i + ",true]");
            tracked.put("foreign-" + i, "[\"foreign\",\"10.0.0.2\",\"ua\"," + i + ",false]");
        }
        List<String> trackedIds = List.copyOf(tracked.keySet());
        for (int i = 0; i < trackedIds.size(); i++) {
            expiries.put(trackedIds.get(i), now + 600_000 + i - (i % 7 == 0 ? 1 : 0));
        }
        AdminEvent event = new AdminEvent("sessions_update", Map.of());
        inParallel(trackedIds.size(), i -> activity.put(trackedIds.get(i), tracked.get(trackedIds.get(i)),
                expiries.get(trackedIds.get(i)), event));
        SessionListings listings = backend.sessionListings(sessions, activity);
        Set<String> listed = new HashSet<>();
        Set<String> listedTracked = new HashSet<>();
        long previousExpiry = Long.MAX_VALUE;
        long previousTracked = Long.MAX_VALUE;
        for (Integer at = 0; at != null; ) {
            SessionListings.Listing listing = listings.listing(at, PAGE);
            assertEquals(ids.size(), listing.live().count());
            assertEquals(tracked.size(), listing.tracked().count());
            for (Session session : listing.live().items()) {
                assertTrue(listed.add(session.sessionId()), "listed twice: " + session.sessionId());
                assertTrue(session.expiresAt() <= previousExpiry, "sessions newest first");
                previousExpiry = session.expiresAt();
                assertEquals(tracked.get(session.sessionId()), listing.activityOfLive().get(session.sessionId()),
                        "the tracked activity of " + session.sessionId());
            }
            assertEquals(listing.live().items().stream().filter(s -> tracked.containsKey(s.sessionId())).count(),
                    listing.activityOfLive().size(), "the activity of the page's sessions only");
            for (Map.Entry<String, String> entry : listing.tracked().items()) {
                assertTrue(listedTracked.add(entry.getKey()), "tracked entry listed twice: " + entry.getKey());
                assertEquals(tracked.get(entry.getKey()), entry.getValue());
                assertTrue(expiries.get(entry.getKey()) <= previousTracked, "tracked activity newest first");
                previousTracked = expiries.get(entry.getKey());
            }
            at = listing.live().nextCursor();
        }
        assertEquals(Set.copyOf(ids), listed, "every session once in the listing");
        assertEquals(tracked.keySet(), listedTracked,
                "every tracked entry once (fewer than the sessions: their pages cover them)");
    }

    /**
     * Tracked activity that earlier builds placed by its own hash is dropped at the first start
     * on a sharded layout (it now lives in its session's shard); on one shard nothing moves.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void anEarlierLayoutsTrackedActivityIsDroppedOnlyWhenSharded(int shards) {
        Map<String, String> config = new HashMap<>(StoreKind.REDIS.config());
        String prefix = config.get("redis.key-prefix") + "layout-" + shards + ":";
        config.put("redis.key-prefix", prefix);
        config.put("redis.shards", Integer.toString(shards));
        TestRedis redis = TestRedis.shared();
        RedisKeys keys = new RedisKeys(prefix, shards, false);
        try (RedisBackend first = backend(config)) {
            first.activityEntries(AdminEvents.NONE).put("earlier-sid", "[\"u\",\"10.0.0.1\",\"ua\",1,false]",
                    System.currentTimeMillis() + 600_000, new AdminEvent("sessions_update", Map.of()));
        }
        redis.command("SET", keys.layout(), "shards=" + shards);
        try (RedisBackend upgraded = backend(config)) {
            assertEquals("shards=" + shards + ";activity=by-session;presence=" + keys.presenceBuckets(),
                    redis.command("GET", keys.layout()).trim());
            ExpiringEntries activity = upgraded.activityEntries(AdminEvents.NONE);
            assertEquals(shards == 1 ? 1 : 0, activity.getAll(List.of("earlier-sid")).size());
            activity.put("later-sid", "[\"u\",\"10.0.0.1\",\"ua\",2,false]", System.currentTimeMillis() + 600_000,
                    new AdminEvent("sessions_update", Map.of()));
        }
        try (RedisBackend restarted = backend(config)) {
            assertEquals(1, restarted.activityEntries(AdminEvents.NONE).getAll(List.of("later-sid")).size(),
                    "the upgrade drops once, not at every start");
        }
    }

    /**
     * Builds before presence buckets kept presence in one map per shard: its keys are removed at
     * start (its users are present again at their next heartbeat), the layout record moves on, and
     * presence then lives in the buckets, each within the shard's slot.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void anEarlierLayoutsPresenceMapIsRemovedAtStart(int shards) {
        Map<String, String> config = new HashMap<>(StoreKind.REDIS.config());
        String prefix = config.get("redis.key-prefix") + "presence-layout-" + shards + ":";
        config.put("redis.key-prefix", prefix);
        config.put("redis.shards", Integer.toString(shards));
        TestRedis redis = TestRedis.shared();
        RedisKeys keys = new RedisKeys(prefix, shards, false);
        redis.command("SET", keys.layout(), "shards=" + shards + ";activity=by-session");
        List<String> earlier = new ArrayList<>();
        for (int shard = 0; shard < shards; shard++) {
            String map = keys.unbucketedPresence(shard);
            redis.command("HSET", map, "earlier|10.0.0.1", "x");
            redis.command("ZADD", RedisKeys.expiryIndexOf(map), "99999999999999", "earlier|10.0.0.1");
            earlier.add(map);
            earlier.add(RedisKeys.expiryIndexOf(map));
        }
        try (RedisBackend upgraded = backend(config)) {
            for (String key : earlier) {
                assertEquals("0", redis.command("EXISTS", key).trim(), key + " removed at start");
            }
            assertEquals("shards=" + shards + ";activity=by-session;presence=" + keys.presenceBuckets(),
                    redis.command("GET", keys.layout()).trim());
            assertEquals(Math.max(1, Math.ceilDiv(RedisKeys.PRESENCE_BUCKETS, shards)), keys.presenceBuckets());
            ExpiringEntries presence = upgraded.presenceEntries(AdminEvents.NONE);
            assertEquals(0, presence.count());
            presence.put("later|10.0.0.1", "[\"ua\",\"/p\",1,false]", System.currentTimeMillis() + 600_000,
                    new AdminEvent("presence_update", Map.of()));
            assertEquals(List.of("later|10.0.0.1"),
                    presence.newestFirst(0, 10).items().stream().map(Map.Entry::getKey).toList());
            int shard = keys.shardOf("later|10.0.0.1");
            String bucket = keys.presence(shard).get(RedisKeys.bucketOf("later|10.0.0.1", keys.presenceBuckets()));
            assertEquals("1", redis.command("HEXISTS", bucket, "later|10.0.0.1").trim(), "in its bucket: " + bucket);
            if (shards > 1) {
                assertEquals(RedisKeys.slotOf(keys.userSessions(shard).replaceAll("^\\{([^}]*)}.*", "$1")),
                        RedisKeys.slotOf(bucket.replaceAll("^\\{([^}]*)}.*", "$1")), "in its shard's slot");
            }
        }
    }

    @Test
    void anotherShardCountUnderTheSamePrefixRefusesToStart() {
        Map<String, String> config = new HashMap<>(StoreKind.REDIS.config());
        config.put("redis.shards", "4");
        try (RedisBackend first = backend(config)) {
            config.put("redis.shards", "8");
            InvalidConfigException refused = assertThrows(InvalidConfigException.class, () -> backend(config));
            assertTrue(refused.getMessage().contains("'redis.shards'")
                    && refused.getMessage().contains("was written with 4 shards"), refused.getMessage());
        }
    }

    /**
     * The default 12 shards over the 3-master test cluster ({@code redis-cli --cluster create}
     * gives each an equal run of slots): each master should hold a third of the sessions and of
     * their memory.
     */
    @Test
    void aClusterSpreadsSessionsAndMemoryEvenlyOverItsMasters() throws Exception {
        int sessionCount = 100_000;
        TestRedisCluster cluster = TestRedisCluster.shared();
        Map<Integer, Long> memoryBefore = usedMemory(cluster);
        Map<String, String> config = StoreKind.REDIS_CLUSTER.config();
        String prefix = config.get("redis.key-prefix");
        try (RedisBackend backend = backend(config)) {
            SessionStore sessions = backend.sessionStore(0, AdminEvents.NONE);
            long now = System.currentTimeMillis();
            inParallel(sessionCount, i -> {
                String user = "balance-" + i;
                sessions.create("hash" + i, new Session(Tokens.newSessionId(user), user, now, now + 3_600_000, now, false,
                        "10.0.0.1", "Mozilla/5.0"), 50, LimitPolicy.EVICT_OLDEST, Optional.empty());
            });
            Map<Integer, Long> memoryAfter = usedMemory(cluster);
            Map<Integer, Long> records = new HashMap<>();
            for (TestRedis master : cluster.currentMasters()) {
                long held = 0;
                for (String key : scanAll(master)) {
                    if (key.startsWith("{" + prefix) && key.endsWith("}:user-sessions")) {
                        held += Long.parseLong(master.command("HLEN", key));
                    }
                }
                records.put(master.port(), held);
            }
            long allRecords = records.values().stream().mapToLong(Long::longValue).sum();
            long allMemory = memoryAfter.keySet().stream().mapToLong(port -> memoryAfter.get(port) - memoryBefore.get(port)).sum();
            assertEquals(sessionCount, allRecords);
            for (int port : records.keySet()) {
                double recordShare = 100.0 * records.get(port) / allRecords;
                double memoryShare = 100.0 * (memoryAfter.get(port) - memoryBefore.get(port)) / allMemory;
                System.out.printf("master :%d holds %.1f%% of the sessions (%d) and %.1f%% of their memory (%d bytes)%n",
                        port, recordShare, records.get(port), memoryShare, memoryAfter.get(port) - memoryBefore.get(port));
                assertTrue(Math.abs(recordShare - 100.0 / 3) <= 5, "sessions on :" + port + ": " + recordShare + "%");
                assertTrue(Math.abs(memoryShare - 100.0 / 3) <= 5, "memory on :" + port + ": " + memoryShare + "%");
            }
        }
    }

    private static Map<Integer, Long> usedMemory(TestRedisCluster cluster) {
        Map<Integer, Long> used = new HashMap<>();
        for (TestRedis master : cluster.currentMasters()) {
            String info = master.command("INFO", "memory");
            String line = info.lines().filter(l -> l.startsWith("used_memory:")).findFirst().orElseThrow();
            used.put(master.port(), Long.parseLong(line.substring("used_memory:".length()).trim()));
        }
        return used;
    }

    private static List<String> scanAll(TestRedis node) {
        return List.of(node.command("KEYS", "*").split("\n")).stream().map(String::trim).filter(k -> !k.isEmpty()).toList();
    }

    /** Runs {@code work} for 0..count-1 from 64 virtual threads at once (the stores batch concurrent calls). */
    private static void inParallel(int count, IntConsumer work) throws Exception {
        Semaphore slots = new Semaphore(64);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int n = 0; n < count; n++) {
                int i = n;
                slots.acquire();
                done.add(threads.submit(() -> {
                    try {
                        work.accept(i);
                    } finally {
                        slots.release();
                    }
                }));
            }
            for (var future : done) {
                future.get();
            }
        }
    }
}
