package io.sessionpresence.backend;

import java.time.InstantSource;
import java.util.function.Consumer;
import java.util.logging.Logger;

import io.helidon.health.HealthCheck;
import io.sessionpresence.cache.UserCacheStore;
import io.sessionpresence.config.InvalidConfigException;
import io.sessionpresence.events.AdminEvent;
import io.sessionpresence.events.AdminEvents;
import io.sessionpresence.limits.SharedLimiters;
import io.sessionpresence.metrics.ServiceMetrics;
import io.sessionpresence.session.SessionListings;
import io.sessionpresence.session.SessionStore;
import io.sessionpresence.store.ConnectionOwners;
import io.sessionpresence.store.ExpiringEntries;
import io.sessionpresence.store.MemoryLimits;
import io.sessionpresence.store.RedisSettings;
import io.sessionpresence.store.RedisTopology;
import io.sessionpresence.store.StoreStats;
import io.sessionpresence.store.TimeSource;

/**
 * The store chosen at startup, as one factory of everything that depends on it: the session
 * store, the user-data cache, the presence and activity entries, the admin-event fan-out, the
 * owners of long-polling connections, the store's figures and its readiness check. {@link
 * RedisBackend} and {@link MemoryBackend} build the two kinds side by side; nothing else asks
 * which one it is. Every store runs on the one
 * {@link TimeSource} the backend was given, and {@link #clock()} hands its clock on to the services.
 */
public interface Backend extends AutoCloseable {
    /** "redis" or "memory", as the stats routes report it. */
    String name();

    /** The clock of every store here; the services stamp sessions, presence and activity with it too. */
    InstantSource clock();

    /**
     * @param idleTimeoutMillis sessions unused this long end early; 0 = off
     * @param events            where the store announces the session changes it makes (the Redis store publishes from its scripts)
     */
    SessionStore sessionStore(long idleTimeoutMillis, AdminEvents events);

    UserCacheStore userCache();

    /** Admin events as this backend carries them; {@code room} delivers to this instance's admin sockets. */
    default AdminEvents adminEvents(Consumer<AdminEvent> room) {
        return adminEvents(room, () -> { });
    }

    /**
     * @param subscribed runs whenever events may have been missed: each time the event subscription
     *                   is made (again), and with Redis also as soon as a connection to it drops
     */
    AdminEvents adminEvents(Consumer<AdminEvent> room, Runnable subscribed);

    /** @param events where each write announces itself (the Redis store publishes from its write script) */
    ExpiringEntries presenceEntries(AdminEvents events);

    ExpiringEntries activityEntries(AdminEvents events);

    /** The admin listings of {@code sessions} and their tracked {@code activity}, both made by this backend. */
    SessionListings sessionListings(SessionStore sessions, ExpiringEntries activity);

    StoreStats stats();

    /** The limits every instance must count together (in Redis on Redis; in this process on memory). */
    SharedLimiters sharedLimiters();

    /** Where each Socket.IO long-polling session lives, for instances that forward its polls (none on memory). */
    ConnectionOwners connectionOwners();

    /** Whether the store answers right now (one round trip on Redis). */
    boolean answers();

    default HealthCheck readiness() {
        return new StoreHealth(this);
    }

    @Override
    void close();

    /**
     * Picks the backend for {@code store.type}. {@code auto}: Redis when a URL is set and Redis
     * answers, else memory, with one WARN line saying which and why. {@code redis}: Redis or a
     * startup failure. {@code memory}: never touches Redis. {@code metrics} gets the size of
     * each Redis batch.
     */
    static Backend select(RedisSettings settings, MemoryLimits memory, TimeSource time, ServiceMetrics metrics) {
        Logger log = Logger.getLogger(Backend.class.getName());
        return switch (settings.storeType()) {
            case "memory" -> {
                log.info("Store: memory (store.type=memory)");
                yield new MemoryBackend(time, memory);
            }
            case "redis" -> {
                try {
                    yield RedisBackend.connect(settings, time.clock(), metrics.redisBatchSize()::record);
                } catch (InvalidConfigException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw new IllegalStateException("store.type=redis but Redis (" + settings.topology().describe() + ")"
                            + " does not answer: " + e.getMessage(), e);
                }
            }
            default -> {
                if (settings.topology() instanceof RedisTopology.None) {
                    log.warning("Store: memory, because no Redis is configured (REDIS_URL, REDIS_SENTINEL_*, REDIS_CLUSTER_NODES, REDIS_CONFIG_FILE; store.type=auto). Sessions and "
                            + "presence live in this process only and are lost on restart.");
                    yield new MemoryBackend(time, memory);
                }
                try {
                    yield RedisBackend.connect(settings, time.clock(), metrics.redisBatchSize()::record);
                } catch (InvalidConfigException e) {
                    throw e;
                } catch (RuntimeException e) {
                    log.warning("Store: memory, because Redis (" + settings.topology().describe() + ") did not answer at "
                            + "startup (" + e.getClass().getSimpleName() + "); store.type=auto. Set STORE=redis to "
                            + "fail instead.");
                    yield new MemoryBackend(time, memory);
                }
            }
        };
    }
}
