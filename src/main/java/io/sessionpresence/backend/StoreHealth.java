package io.sessionpresence.backend;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/**
 * Readiness: the store answers. A replica whose Redis is unreachable reports DOWN on
 * {@code /observe/health/ready} so a load balancer can stop sending it traffic, while liveness
 * stays UP (restarting would not bring Redis back; the client reconnects by itself).
 */
final class StoreHealth implements HealthCheck {
    private final Backend backend;

    StoreHealth(Backend backend) {
        this.backend = backend;
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public String name() {
        return "store";
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.builder().detail("store", backend.name()).status(backend.answers()).build();
    }
}
