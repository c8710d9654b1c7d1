package io.sessionpresence.load;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;

import io.sessionpresence.load.support.Api;
import io.sessionpresence.load.support.LoadConfig;
import io.sessionpresence.load.support.PhasedSimulation;

/**
 * The reference ceiling: requests/s of the service's cheapest route (see {@link Api#ceiling})
 * with {@code -Dconnections} connections in a closed loop. Other simulations state their
 * throughput as a share of this figure, measured in the same run on the same machine.
 */
public class Ceiling extends PhasedSimulation {
    {
        setUp(phases(
                new Phase("warmup", closedLoop("warmup", LoadConfig.warmup(), exec(Api.ceiling("warmup")))),
                new Phase("max", closedLoop("max", LoadConfig.duration(), exec(Api.ceiling("max"))))))
                .assertions(global().failedRequests().count().is(0L));
    }
}
