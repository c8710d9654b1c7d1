package io.sessionpresence.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import io.gatling.javaapi.core.PopulationBuilder;
import io.sessionpresence.load.support.Api;
import io.sessionpresence.load.support.LoadConfig;
import io.sessionpresence.load.support.PhasedSimulation;
import io.sessionpresence.load.support.Setup;

/**
 * Read-through use of {@code /api/cache/user/{id}}: GET; on 404 the client would call its origin
 * API (the call the cache exists to save), then POST the result. {@code -DhitRatio} (default 0.8)
 * of the reads go to users whose entry is cached; the rest to users seen for the first time.
 * Open model at {@code -Drate} reads/s. The summary reports the measured hit ratio, i.e. the
 * share of origin calls the cache saved.
 */
public class UserCache extends PhasedSimulation {
    private static final String DATA = "{\"data\":{\"plan\":\"pro\",\"credits\":42,\"features\":[\"export\",\"palette\"],"
            + "\"profile\":{\"name\":\"Load Test\",\"locale\":\"en\"}}}";

    private final double hitRatio = LoadConfig.decimal("hitRatio", 0.8);
    private final int rate = LoadConfig.integer("rate", 300);
    private final int hotUsers = LoadConfig.integer("hotUsers", 500);

    /** Hot users with probability hitRatio, else the next never-seen user. */
    private final class Mix implements Iterator<Map<String, Object>> {
        private final List<Setup.UserSession> hot;
        private final List<Setup.UserSession> cold;
        private final AtomicInteger nextCold = new AtomicInteger();

        Mix(List<Setup.UserSession> hot, List<Setup.UserSession> cold) {
            this.hot = hot;
            this.cold = cold;
        }

        @Override
        public boolean hasNext() {
            return true;
        }

        @Override
        public Map<String, Object> next() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            if (random.nextDouble() >= hitRatio) {
                int i = nextCold.getAndIncrement();
                if (i < cold.size()) {
                    return cold.get(i).asFeed();
                }
                throw new IllegalStateException("UserCache ran out of new users; raise the set-up margin");
            }
            return hot.get(random.nextInt(hot.size())).asFeed();
        }
    }

    private PopulationBuilder reads(String phase, Mix mix, Duration duration) {
        return scenario(phase).feed(mix)
                .exec(http(phase + "/cache get").get("/api/cache/user/#{user}")
                        .header("X-Session-Token", "#{token}")
                        .check(status().in(200, 404).saveAs("status")))
                .doIf(session -> session.getString("status").equals("404")).then(
                        io.gatling.javaapi.core.CoreDsl.exec(http(phase + "/cache put").post("/api/cache/user/#{user}")
                                .header("X-Session-Token", "#{token}")
                                .body(StringBody(DATA))
                                .check(status().is(200))))
                .injectOpen(constantUsersPerSec(rate).during(duration))
                .protocols(Api.sharedProtocol());
    }

    {
        long seconds = LoadConfig.warmup().toSeconds() + LoadConfig.duration().toSeconds();
        int coldUsers = (int) Math.ceil((1 - hitRatio) * rate * seconds * 1.3) + 50;
        List<Setup.UserSession> hot = setup.createSessions("lt-uc-hot-", hotUsers);
        setup.parallel(hot, s -> setup.send("POST", "/api/cache/user/" + s.user(), DATA, "X-Session-Token", s.token()));
        List<Setup.UserSession> cold = setup.createSessions("lt-uc-cold-", coldUsers);
        Mix mix = new Mix(hot, cold);
        metrics.put("configured_hit_ratio", hitRatio);
        setUp(phases(
                new Phase("warmup", reads("warmup", mix, LoadConfig.warmup())),
                new Phase("cache", reads("cache", mix, LoadConfig.duration()))))
                .assertions(assertions(List.of(global().failedRequests().count().is(0L)), List.of(
                        details("cache/cache get").responseTime().percentile(99.0).lt(targets.cacheP99Ms()),
                        details("cache/cache put").responseTime().percentile(99.0).lt(targets.cacheP99Ms()))));
    }
}
