package io.sessionpresence.load;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.sessionpresence.load.support.Api;
import io.sessionpresence.load.support.LoadConfig;
import io.sessionpresence.load.support.PhasedSimulation;

/**
 * Session create while the store already holds many live sessions, the case where a memory
 * store's heap is large and its GC pauses show: {@code fill} creates {@code -Dsessions}
 * (1,000,000; 0 = none) sessions of distinct users as fast as {@code connections} connections
 * go; then, with {@code -Drate} (500; 0 = none) creates per second, {@code warmup} (this Gatling
 * JVM's own JIT) and {@code rate} for {@code duration}, whose p99 is the figure
 * ({@code -Dp99Ms}, 20). {@code load-tests/scale.sh} runs the two apart, per GC and heap size.
 */
public class CreateAtScale extends PhasedSimulation {
    private final AtomicLong users = new AtomicLong();
    /** This run's users are new ones, also when a second run follows the fill (scale.sh). */
    private final String userPrefix = "lt-cs-" + Long.toString(System.currentTimeMillis(), 36) + "-";
    private final int sessions = LoadConfig.integer("sessions", 1_000_000);
    private final int rate = LoadConfig.integer("rate", 500);
    private final int p99Ms = LoadConfig.integer("p99Ms", 20);

    private ChainBuilder create(String phase) {
        return exec(session -> session.set("user", userPrefix + users.incrementAndGet())).exec(Api.create(phase));
    }

    private PopulationBuilder fill() {
        int connections = LoadConfig.connections();
        return scenario("fill").exec(repeat((sessions + connections - 1) / connections).on(create("fill")))
                .injectOpen(atOnceUsers(connections))
                .protocols(Api.protocol());
    }

    private PopulationBuilder atRate(String phase, Duration duration) {
        return scenario(phase).exec(create(phase))
                .injectOpen(constantUsersPerSec(rate).during(duration))
                .protocols(Api.sharedProtocol());
    }

    {
        List<Phase> phases = new ArrayList<>();
        if (sessions > 0) {
            phases.add(new Phase("fill", fill()));
        }
        if (rate > 0) {
            phases.add(new Phase("warmup", atRate("warmup", LoadConfig.warmup())));
            phases.add(new Phase("rate", atRate("rate", LoadConfig.duration())));
        }
        setUp(phases(phases.toArray(Phase[]::new)))
                .assertions(assertions(List.of(global().failedRequests().count().is(0L)), rate > 0
                        ? List.of(details("rate/create").responseTime().percentile(99.0).lt(p99Ms))
                        : List.of()));
    }
}
