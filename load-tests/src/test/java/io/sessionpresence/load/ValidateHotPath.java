package io.sessionpresence.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.listFeeder;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.FeederBuilder;
import io.sessionpresence.load.support.Api;
import io.sessionpresence.load.support.LoadConfig;
import io.sessionpresence.load.support.PhasedSimulation;
import io.sessionpresence.load.support.RedisSnapshot;
import io.sessionpresence.load.support.Setup;

/**
 * {@code GET /api/session/validate} on many pre-created sessions (distinct users):
 * <ul>
 * <li>{@code max}: {@code -Dconnections} connections in a closed loop, for throughput as a share
 *     of the ceiling;</li>
 * <li>{@code rate}: an open model at {@code -Drate} validations/s, for latency percentiles.</li>
 * </ul>
 * Also records Redis bytes per session ({@code used_memory} across creating {@code -Dsessions}).
 */
public class ValidateHotPath extends PhasedSimulation {
    private final int sessions = LoadConfig.integer("sessions", 10_000);
    private final int rate = LoadConfig.integer("rate", 1_000);

    {
        RedisSnapshot before = metrics.snapshot();
        List<Setup.UserSession> created = setup.createSessions("lt-vh-", sessions);
        RedisSnapshot after = metrics.snapshot();
        if (before != null) {
            metrics.put("sessions_created", sessions);
            metrics.put("redis_bytes_per_session", (after.usedMemory() - before.usedMemory()) / (double) sessions);
            if (!before.nodes().isEmpty()) {
                // A Cluster: what each node's used_memory grew by across the same sessions (balance).
                Map<String, Long> byNode = new java.util.LinkedHashMap<>();
                before.nodes().forEach((node, reading) ->
                        byNode.put(node, after.nodes().get(node).usedMemory() - reading.usedMemory()));
                metrics.put("redis_memory_delta_by_node", byNode);
            }
            // The same number of sessions again, five per user (a user on several devices).
            List<String> devices = new ArrayList<>(sessions);
            for (int i = 0; i < sessions; i++) {
                devices.add("lt-vh5-" + i / 5);
            }
            setup.parallel(devices, setup::createSession);
            RedisSnapshot five = metrics.snapshot();
            metrics.put("redis_bytes_per_session_5_per_user", (five.usedMemory() - after.usedMemory()) / (double) sessions);
        }
        List<Map<String, Object>> feed = new ArrayList<>(created.size());
        created.forEach(s -> feed.add(s.asFeed()));
        FeederBuilder<Object> tokens = listFeeder(feed).random();

        ChainBuilder warm = feed(tokens).exec(Api.validate("warmup"));
        ChainBuilder max = feed(tokens).exec(Api.validate("max"));
        List<Assertion> speed = new ArrayList<>(List.of(
                details("rate/validate").responseTime().percentile(99.0).lt(targets.validateP99Ms())));
        if (LoadConfig.ceiling() > 0) {
            speed.add(details("max/validate").successfulRequests().count()
                    .gte(countAtShareOfCeiling(targets.validateShareOfCeiling(), LoadConfig.duration())));
        }
        setUp(phases(
                new Phase("warmup", closedLoop("warmup", LoadConfig.warmup(), warm)),
                new Phase("max", closedLoop("max", LoadConfig.duration(), max)),
                new Phase("rate", scenario("rate").feed(tokens).exec(Api.validate("rate"))
                        .injectOpen(constantUsersPerSec(rate).during(LoadConfig.duration()))
                        .protocols(Api.sharedProtocol()))))
                .assertions(assertions(List.of(global().failedRequests().count().is(0L)), speed));
    }
}
