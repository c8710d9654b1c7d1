package io.sessionpresence.store;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import org.redisson.api.redisnode.RedisNodes;

/**
 * Readiness: the store answers. A replica whose Redis is unreachable reports DOWN on
 * {@code /observe/health/ready} so a load balancer can stop sending it traffic, while liveness
 * stays UP (restarting would not bring Redis back; the client reconnects by itself).
 */
public final class StoreHealth implements HealthCheck {
    private final Backend backend;

    public StoreHealth(Backend backend) {
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
        HealthCheckResponse.Builder response = HealthCheckResponse.builder().detail("store", backend.name());
        if (!backend.isRedis()) {
            return response.status(true).build();
        }
        boolean up;
        try {
            up = backend.redisClient().getRedisNodes(RedisNodes.SINGLE).getInstance().ping();
        } catch (RuntimeException e) {
            up = false;
        }
        return response.status(up).build();
    }
}
