package io.sessionpresence.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import java.util.List;
import java.util.stream.Stream;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.sessionpresence.load.support.Api;
import io.sessionpresence.load.support.LoadConfig;
import io.sessionpresence.load.support.PhasedSimulation;

/**
 * A session's whole life, once per virtual user (a new user id each): create, validate
 * {@code -Dvalidations} times, refresh, stats, logout, and validate again, which must be 401.
 * Open model: {@code -Drate} new users/s.
 */
public class SessionLifecycle extends PhasedSimulation {
    private final int rate = LoadConfig.integer("rate", 40);
    private final int validations = LoadConfig.integer("validations", 5);

    private ChainBuilder lifecycle(String phase) {
        return exec(session -> session.set("user", "lt-lc-" + phase + "-" + session.userId()))
                .exec(Api.create(phase))
                .exec(repeat(validations).on(exec(Api.validate(phase))))
                .exec(Api.tokenCall(phase, "refresh", "POST", "/api/session/refresh"))
                .exec(Api.tokenCall(phase, "stats", "GET", "/api/session/stats"))
                .exec(Api.tokenCall(phase, "logout", "POST", "/api/session/logout"))
                .exec(Api.validateRejected(phase));
    }

    private PopulationBuilder users(String phase, java.time.Duration duration) {
        return scenario(phase).exec(lifecycle(phase))
                .injectOpen(constantUsersPerSec(rate).during(duration))
                .protocols(Api.sharedProtocol());
    }

    {
        setUp(phases(
                new Phase("warmup", users("warmup", LoadConfig.warmup())),
                new Phase("lifecycle", users("lifecycle", LoadConfig.duration()))))
                .assertions(assertions(List.of(global().failedRequests().count().is(0L)),
                        Stream.of("create", "validate", "refresh", "stats", "logout", "validate after logout")
                                .map(call -> details("lifecycle/" + call).responseTime().percentile(99.0)
                                        .lt(targets.lifecycleP99Ms()))
                                .toList()));
    }
}
