package io.sessionpresence.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.sessionpresence.testing.HttpTestClient.Response;
import io.sessionpresence.testing.CountsReads;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestRedis;
import io.sessionpresence.testing.TestRedisCluster;
import io.sessionpresence.testing.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Redis round trips of every route, counted by Redis itself ({@code total_reads_processed}:
 * one per request or pipelined batch a client sends, summed over a cluster's nodes), each the
 * least of three runs (a background read, such as another test's eviction task, only ever adds).
 * The budget of each route is the README's; a route that needs more fails the build. Rate limits
 * stay on, as in production. On the 3-master Cluster (12 shards) a step that gathers every shard
 * (counts, a page newest first) sends one batch to each master at once: it waits for one round
 * trip but costs one read per master, which its budget there allows, and a merged page of presence
 * takes two such steps (the shards' ranks, then the page's values); every other call costs what it
 * costs on one server.
 */
@ParameterizedClass
@EnumSource(value = StoreKind.class, names = {"REDIS", "REDIS_CLUSTER"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisRoundTripsTest {
    private static final String ADMIN = "Bearer test-admin-token";
    @Parameter
    StoreKind store;
    TestService service;
    CountsReads redis;
    /** Reads a call that gathers every shard costs beyond one: the masters past the first. */
    int perGather;

    @BeforeParameterizedClassInvocation
    void start() {
        redis = store == StoreKind.REDIS ? TestRedis.shared() : TestRedisCluster.shared();
        perGather = store == StoreKind.REDIS ? 0 : TestRedisCluster.shared().masters() - 1;
        service = TestService.start(store);
    }

    @AfterParameterizedClassInvocation
    void stop() {
        service.close();
    }

    /** The least round trips of three runs of {@code call}, which must answer {@code status}. */
    private long roundTrips(int status, Supplier<Response> call) {
        call.get();
        long least = Long.MAX_VALUE;
        for (int run = 0; run < 3; run++) {
            long trips = redis.roundTripsDuring(() -> {
                Response response = call.get();
                assertEquals(status, response.status(), response.body());
            });
            least = Math.min(least, trips);
        }
        return least;
    }

    private String login(String user) {
        return service.token(user);
    }

    @Test
    void everyRouteStaysWithinItsRoundTrips() {
        Map<String, long[]> measured = new LinkedHashMap<>();
        String token = login("trips-user");
        String[] auth = {"X-Session-Token", token};

        measured.put("create", new long[]{1, roundTrips(200, () -> service.login("trips-create", false))});
        measured.put("validate", new long[]{1, roundTrips(200, () -> service.get("/api/session/validate", auth))});
        measured.put("heartbeat, anonymous", new long[]{1, roundTrips(200,
                () -> service.post("/api/heartbeat", "{\"user\":\"trips-anon\",\"page\":\"/a\"}"))});
        measured.put("heartbeat, with a session", new long[]{2, roundTrips(200,
                () -> service.post("/api/heartbeat", "{\"page\":\"/s\"}", auth))});
        measured.put("refresh", new long[]{2, roundTrips(200, () -> service.post("/api/session/refresh", "", auth))});
        measured.put("stats", new long[]{2 + perGather, roundTrips(200, () -> service.get("/api/session/stats", auth))});
        measured.put("list", new long[]{2, roundTrips(200, () -> service.get("/api/session/list", auth))});
        measured.put("cache put", new long[]{2, roundTrips(200, () -> service.post("/api/cache/user/trips-user",
                "{\"data\":{\"a\":1}}", auth))});
        measured.put("cache get", new long[]{2, roundTrips(200, () -> service.get("/api/cache/user/trips-user", auth))});
        measured.put("admin presence page", new long[]{perGather == 0 ? 1 : 2 * (1 + perGather), roundTrips(200,
                () -> service.get("/admin/presence?limit=10", "Authorization", ADMIN))});
        measured.put("admin sessions page", new long[]{1 + perGather, roundTrips(200,
                () -> service.get("/admin/sessions?limit=10", "Authorization", ADMIN))});
        measured.put("admin tracked sessions page", new long[]{1 + perGather, roundTrips(200,
                () -> service.get("/admin/sessions/redis?limit=10&cursor=10", "Authorization", ADMIN))});
        measured.put("logout", new long[]{2, least(() -> {
            String[] own = {"X-Session-Token", login("trips-logout")};
            return redis.roundTripsDuring(() -> assertEquals(200, service.post("/api/session/logout", "", own).status()));
        })});
        measured.put("revoke one", new long[]{2, least(() -> {
            String other = service.login("trips-user", false).text("session_id");
            return redis.roundTripsDuring(() -> assertEquals(200, service.delete("/api/session/" + other, auth).status()));
        })});
        measured.put("logout-all, three sessions", new long[]{2, least(() -> {
            login("trips-all");
            login("trips-all");
            String[] own = {"X-Session-Token", login("trips-all")};
            return redis.roundTripsDuring(() -> assertEquals(200, service.post("/api/session/logout-all", "", own).status()));
        })});

        StringBuilder table = new StringBuilder(store + " route: round trips (budget)\n");
        measured.forEach((route, figures) -> table.append(route).append(": ").append(figures[1])
                .append(" (").append(figures[0]).append(")\n"));
        System.out.println(table);
        measured.forEach((route, figures) -> assertTrue(figures[1] <= figures[0], route + " over budget:\n" + table));
    }

    private long least(Supplier<Long> run) {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            least = Math.min(least, run.get());
        }
        return least;
    }
}
