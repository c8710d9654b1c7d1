package io.sessionpresence.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.sessionpresence.testing.RedisExtension;
import io.sessionpresence.testing.Scrape;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestRedis;
import io.sessionpresence.testing.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.sessionpresence.testing.Scrape.delta;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code session.near-cache-ms} on two instances sharing one Redis: validates come from the near
 * cache (no round trip), and an end of the session on one instance reaches the other's cache
 * through the session events; measured under a validate load on both.
 */
@ExtendWith(RedisExtension.class)
class NearCacheTest {
    private static final int ENDS = 200;
    private static final String NEAR_CACHE = "session_presence_near_cache_total";

    private static Map<String, String> config(String prefix) {
        return Map.of("redis.key-prefix", prefix, "session.near-cache-ms", "10000", "limits.enabled", "false");
    }

    /**
     * A session validated every 50 ms for 3.5 times the cache's life: never read on the request
     * (its entry is renewed in the background), and once it is gone from Redis without any event
     * (deleted behind the service's back), validate fails within the cache's life.
     */
    @Test
    void anEntryInUseIsRenewedInTheBackgroundAndStillLivesNoLongerThanItsBound(TestRedis redis) throws Exception {
        String prefix = "renew" + System.nanoTime() + ":";
        Map<String, String> config = Map.of("redis.key-prefix", prefix, "session.near-cache-ms", "1000",
                "limits.enabled", "false");
        try (TestService service = TestService.start(StoreKind.REDIS, config)) {
            String token = service.token("renewed-user");
            assertEquals(200, service.get("/api/session/validate", "X-Session-Token", token).status());
            Scrape before = Scrape.of(service);
            int validates = 0;
            for (long end = System.nanoTime() + 3_500_000_000L; System.nanoTime() < end; validates++) {
                assertEquals(200, service.get("/api/session/validate", "X-Session-Token", token).status());
                Thread.sleep(50);
            }
            Scrape after = Scrape.of(service);
            assertEquals(0, delta(before, after, NEAR_CACHE, "result", "miss"), "validates read on the request");
            assertEquals(validates, delta(before, after, NEAR_CACHE, "result", "hit"));
            double renewed = delta(before, after, NEAR_CACHE, "result", "renewed");
            assertTrue(renewed >= 3 && renewed <= 5, renewed + " renewals in 3.5 s of a 1 s life");

            String userKey = Tokens.userKeyOf(Tokens.parse(token).orElseThrow().sessionId());
            assertEquals("1", redis.command("HDEL", prefix + "user-sessions", userKey));
            long start = System.nanoTime();
            while (service.get("/api/session/validate", "X-Session-Token", token).status() == 200) {
                Thread.sleep(20);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 1_200, "answered from the cache " + millis + " ms after its session was gone");
        }
    }

    @Test
    void aCachedValidateCostsNoRoundTripAndEveryEndReachesTheOtherInstance(TestRedis redis) throws Exception {
        String prefix = "near" + System.nanoTime() + ":";
        try (TestService a = TestService.start(StoreKind.REDIS, config(prefix));
             TestService b = TestService.start(StoreKind.REDIS, config(prefix))) {
            String token = a.token("near-user");
            assertEquals(200, b.get("/api/session/validate", "X-Session-Token", token).status());
            long trips = redis.roundTripsDuring(() ->
                    assertEquals(200, b.get("/api/session/validate", "X-Session-Token", token).status()));
            assertEquals(0, trips, "a validate answered from the near cache");

            String wrong = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");
            assertEquals(401, b.get("/api/session/validate", "X-Session-Token", wrong).status(),
                    "the cache holds the secret's hash, not a pass for the id");

            // Validates on both instances all along, as under production load.
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> load = new ArrayList<>();
            for (TestService on : List.of(a, b)) {
                String busy = on.token("near-busy");
                for (int i = 0; i < 4; i++) {
                    load.add(Thread.ofVirtual().start(() -> {
                        while (running.get()) {
                            on.get("/api/session/validate", "X-Session-Token", busy);
                        }
                    }));
                }
            }
            long[] nanos = new long[ENDS];
            try {
                for (int i = 0; i < ENDS; i++) {
                    String ended = a.token("near-end-" + (i % 20));
                    assertEquals(200, b.get("/api/session/validate", "X-Session-Token", ended).status());
                    long start;
                    String how = switch (i % 3) {
                        case 0 -> "/api/session/logout";
                        case 1 -> "/api/session/logout-all";
                        default -> "revoke";
                    };
                    int status = how.equals("revoke")
                            ? a.delete("/api/session/" + Tokens.parse(ended).orElseThrow().sessionId(),
                            "X-Session-Token", a.token("near-end-" + (i % 20))).status()
                            : a.post(how, "", "X-Session-Token", ended).status();
                    assertEquals(200, status, how);
                    start = System.nanoTime();
                    while (b.get("/api/session/validate", "X-Session-Token", ended).status() != 401) {
                        assertTrue(System.nanoTime() - start < 5_000_000_000L, how + " never reached the other instance");
                    }
                    nanos[i] = System.nanoTime() - start;
                }
            } finally {
                running.set(false);
                for (Thread thread : load) {
                    thread.join();
                }
            }
            java.util.Arrays.sort(nanos);
            double p50 = nanos[ENDS / 2] / 1e6;
            double p99 = nanos[ENDS * 99 / 100] / 1e6;
            System.out.printf("near cache: once an end on instance A is answered, validate on B fails after p50 %.1f ms,"
                    + " p99 %.1f ms (under validate load on both)%n", p50, p99);
            assertTrue(p99 < 250, "p99 " + p99 + " ms: stalls, not jitter");
        }
    }
}
