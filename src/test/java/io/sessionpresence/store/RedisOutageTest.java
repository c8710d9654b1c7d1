package io.sessionpresence.store;

import java.util.Map;

import io.sessionpresence.testing.HttpTestClient.Response;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestRedis;
import io.sessionpresence.testing.TestService;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Redis going away gives fast 503s, and the service recovers by itself when it returns. */
class RedisOutageTest {

    /**
     * A near cache with a long life stops answering as soon as Redis goes away (its connections
     * drop): during an outage no session event can arrive, so an answer from it could be a
     * session revoked meanwhile.
     */
    @Test
    void theNearCacheIsDroppedWhenRedisGoesAway() throws Exception {
        int port = TestRedis.freePort();
        TestRedis redis = TestRedis.startLocal(port);
        try (TestService service = TestService.start(StoreKind.REDIS, Map.of(
                "redis.url", "redis://127.0.0.1:" + port, "redis.timeout-ms", "1000", "session.near-cache-ms", "60000"))) {
            String token = service.token("near-outage-user");
            assertEquals(200, service.get("/api/session/validate", "X-Session-Token", token).status());
            assertEquals(200, service.get("/api/session/validate", "X-Session-Token", token).status());

            redis.close();
            Thread.sleep(200);
            Response down = service.get("/api/session/validate", "X-Session-Token", token);
            assertEquals(503, down.status(), "answered from the near cache with Redis away: " + down.body());
        } finally {
            redis.close();
        }
    }

    @Test
    void outageIsAFast503AndTheServiceRecovers() throws Exception {
        int port = TestRedis.freePort();
        TestRedis redis = TestRedis.startLocal(port);
        try (TestService service = TestService.start(StoreKind.REDIS, Map.of(
                "redis.url", "redis://127.0.0.1:" + port, "redis.timeout-ms", "1000"))) {
            String token = service.token("outage-user");
            assertEquals(200, service.get("/api/session/validate", "X-Session-Token", token).status());

            redis.close();
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                Response down = service.get("/api/session/validate", "X-Session-Token", token);
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(503, down.status(), down.body());
                assertEquals("error", down.text("status"));
                assertTrue(millis < 2500, "503 within the timeout, took " + millis + " ms");
            }
            assertEquals(503, service.login("outage-user", false).status());
            assertEquals(503, service.get("/observe/health/ready").status(), "not ready without its store");
            assertEquals(200, service.get("/observe/health/live").status(), "but alive: restarting would not help");
            assertEquals(503, service.post("/api/heartbeat", "{\"user\":\"u\"}").status());

            redis = TestRedis.startLocal(port);
            Response back = null;
            for (int i = 0; i < 100; i++) {
                back = service.login("outage-user", false);
                if (back.status() == 200) {
                    break;
                }
                Thread.sleep(100);
            }
            assertEquals(200, back.status(), "recovered without a restart: " + back.body());
            assertEquals(200, service.get("/api/session/validate", "X-Session-Token", back.text("session_token")).status());
            assertEquals(200, service.get("/observe/health/ready").status());
        } finally {
            redis.close();
        }
    }
}
