package io.sessionpresence.http;

import java.net.URI;
import java.util.Map;

import io.sessionpresence.Main;
import io.sessionpresence.testing.HttpTestClient;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestRedis;
import io.sessionpresence.testing.TestService;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code server.management-port} set, {@code /observe/*} is served there only: the API port
 * answers 404 for it, and readiness on the management port still follows the store.
 */
class ManagementPortTest {

    @Test
    void observeMovesToTheManagementPort() throws Exception {
        int redisPort = TestRedis.freePort();
        TestRedis redis = TestRedis.startLocal(redisPort);
        int managementPort = TestRedis.freePort();
        try (TestService service = TestService.start(StoreKind.REDIS, Map.of("redis.url", "redis://127.0.0.1:" + redisPort,
                "redis.timeout-ms", "1000", "redis.connect-timeout-ms", "5000", "server.management-port", String.valueOf(managementPort)))) {
            assertEquals(managementPort, service.running().server().port(Main.MANAGEMENT_SOCKET));
            HttpTestClient management = new HttpTestClient(URI.create("http://127.0.0.1:" + managementPort));
            for (String path : new String[] {"/observe/health", "/observe/health/live", "/observe/health/ready"}) {
                assertEquals(200, management.get(path).status(), path);
                assertEquals(404, service.get(path).status(), "not on the API port: " + path);
            }
            HttpTestClient.Response metrics = management.get("/observe/metrics", "Accept", "text/plain");
            assertEquals(200, metrics.status());
            assertTrue(metrics.body().contains("# TYPE "), "Prometheus text");
            assertEquals(404, service.get("/observe/metrics").status());
            assertEquals(404, management.get("/api/session/validate").status(), "the API is not on the management port");
            assertEquals(200, service.login("management-user", false).status(), "the API port serves the API");

            redis.close();
            assertEquals(503, management.get("/observe/health/ready").status(), "not ready without its store");
            assertEquals(200, management.get("/observe/health/live").status());
        } finally {
            redis.close();
        }
    }
}
