package io.sessionpresence.load;

import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.sessionpresence.load.support.Api;
import io.sessionpresence.load.support.LoadConfig;
import io.sessionpresence.load.support.PhasedSimulation;

/**
 * {@code POST /api/session/create} in a closed loop on {@code connections} connections, every
 * create for a user of its own (so each is a new record, as logins of many users are): the
 * {@code max} phase's throughput is reported as a share of the ceiling, like validate's.
 */
public class CreateHotPath extends PhasedSimulation {
    private final AtomicLong users = new AtomicLong();

    private ChainBuilder create(String phase) {
        return exec(session -> session.set("user", "lt-ch-" + users.incrementAndGet())).exec(Api.create(phase));
    }

    {
        List<Assertion> speed = new ArrayList<>();
        if (LoadConfig.ceiling() > 0) {
            speed.add(details("max/create").successfulRequests().count()
                    .gte(countAtShareOfCeiling(targets.createShareOfCeiling(), LoadConfig.duration())));
        }
        setUp(phases(
                new Phase("warmup", closedLoop("warmup", LoadConfig.warmup(), create("warmup"))),
                new Phase("max", closedLoop("max", LoadConfig.duration(), create("max")))))
                .assertions(assertions(List.of(global().failedRequests().count().is(0L)), speed));
    }
}
