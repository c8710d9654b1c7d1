package io.sessionpresence.load;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.during;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.listFeeder;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.FeederBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.sessionpresence.load.support.Api;
import io.sessionpresence.load.support.LoadConfig;
import io.sessionpresence.load.support.PhasedSimulation;

/**
 * {@code -Dusers} distinct users (default 10,000) heart-beating once per {@code -Dperiod} seconds
 * (the browser's 30 s, compressed; default 10 s, i.e. 1,000 heartbeats/s), anonymously as the
 * presence tracker's page script does. Phases:
 * <ul>
 * <li>{@code fill}: every user's first heartbeat (Redis bytes per presence entry);</li>
 * <li>{@code max}: {@code -Dconnections} connections in a closed loop (throughput vs ceiling);</li>
 * <li>{@code storm}: the heartbeat rate again, while {@code -DadminReaders} admins page through
 *     {@code /admin/presence?limit=100} (half refresh the newest page, half page through all
 *     users by next_cursor; p99 of a page with all users present, reported apart).</li>
 * </ul>
 * The warm-up runs the admin readers too: otherwise the storm's first seconds would time the JIT
 * compiling the page path (in the service and in Gatling's checks), not the page.
 */
public class HeartbeatStorm extends PhasedSimulation {
    /** Request names of the newest page and of the pages after it. */
    private static final String FIRST = "(first)";
    private static final String NEXT = "(next)";

    private final int users = LoadConfig.integer("users", 10_000);
    private final int period = LoadConfig.integer("period", 10);
    private final int adminReaders = LoadConfig.integer("adminReaders", 4);
    private final int adminPauseMs = LoadConfig.integer("adminPauseMs", 50);
    private final int pageSize = LoadConfig.integer("pageSize", 100);

    private static FeederBuilder<Object> usersFeeder(String prefix, int count) {
        List<Map<String, Object>> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(Map.of("user", prefix + i, "page", "/load/" + (i % 20)));
        }
        return listFeeder(list).circular();
    }

    private PopulationBuilder atRate(String phase, FeederBuilder<Object> feeder, Duration duration) {
        return scenario(phase).feed(feeder).exec(Api.heartbeat(phase))
                .injectOpen(constantUsersPerSec((double) users / period).during(duration))
                .protocols(Api.sharedProtocol());
    }

    /**
     * {@code readers} admins in a closed loop, {@code -DadminPauseMs} apart: odd ones refresh the
     * newest page (a dashboard), even ones follow next_cursor to the end and start again; each
     * page must report at least {@code present} users.
     */
    private PopulationBuilder adminReaders(String phase, Duration duration, int present) {
        return scenario(phase + " admin")
                .exec(session -> session.set("cursor", "0").set("pager", session.userId() % 2 == 0))
                .exec(during(duration).on(
                        exec(http(session -> phase + "/admin presence page "
                                + (session.getString("cursor").equals("0") ? FIRST : NEXT))
                                .get("/admin/presence?limit=" + pageSize + "&cursor=#{cursor}")
                                .header("Authorization", "Bearer " + LoadConfig.adminToken())
                                .check(status().is(200),
                                        jsonPath("$.count").ofInt().gte(present),
                                        regex("\"next_cursor\":(\\d+)").optional().saveAs("next")))
                                .exec(session -> session.set("cursor", session.getBoolean("pager")
                                        && session.contains("next") ? session.getString("next") : "0").remove("next"))
                                .pause(Duration.ofMillis(adminPauseMs))))
                .injectOpen(atOnceUsers(adminReaders))
                .protocols(Api.protocol());
    }

    {
        FeederBuilder<Object> all = usersFeeder("lt-hb-", users);
        List<Assertion> speed = new ArrayList<>(List.of(
                details("storm/heartbeat").responseTime().percentile(99.0).lt(targets.heartbeatP99Ms()),
                details("storm/admin presence page " + FIRST).responseTime().percentile(99.0)
                        .lt(targets.adminPageP99Ms()),
                details("storm/admin presence page " + NEXT).responseTime().percentile(99.0)
                        .lt(targets.adminPageP99Ms())));
        if (LoadConfig.ceiling() > 0) {
            speed.add(details("max/heartbeat").successfulRequests().count()
                    .gte(countAtShareOfCeiling(targets.heartbeatShareOfCeiling(), LoadConfig.duration())));
        }
        metrics.put("presence_users", users);
        setUp(phases(
                new Phase("warmup", closedLoop("warmup", LoadConfig.warmup(),
                        feed(usersFeeder("lt-hbw-", 1_000)).exec(Api.heartbeat("warmup"))),
                        adminReaders("warmup", LoadConfig.warmup(), 0)),
                new Phase("fill", atRate("fill", usersFeeder("lt-hb-", users), Duration.ofSeconds(period))),
                new Phase("max", closedLoop("max", LoadConfig.duration(), feed(all).exec(Api.heartbeat("max")))),
                new Phase("storm", atRate("storm", all, LoadConfig.duration()),
                        adminReaders("storm", LoadConfig.duration(), users))))
                .assertions(assertions(List.of(global().failedRequests().count().is(0L)), speed));
    }
}
