package io.sessionpresence.store;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.redisson.config.SingleServerConfig;

/**
 * Picks the backend at startup. {@code auto}: Redis when a URL is set and Redis answers, else
 * memory, with one WARN line saying which and why. {@code redis}: Redis or a startup failure.
 * {@code memory}: never touches Redis.
 */
public final class StoreSelector {
    private static final Logger LOG = Logger.getLogger(StoreSelector.class.getName());

    private StoreSelector() {
    }

    public static Backend select(RedisSettings settings) {
        return switch (settings.storeType()) {
            case "memory" -> {
                LOG.info("Store: memory (store.type=memory)");
                yield Backend.memory();
            }
            case "redis" -> {
                try {
                    yield connect(settings);
                } catch (RuntimeException e) {
                    throw new IllegalStateException("store.type=redis but Redis at " + settings.redactedUrl()
                            + " does not answer: " + e.getMessage(), e);
                }
            }
            default -> auto(settings);
        };
    }

    private static Backend auto(RedisSettings settings) {
        if (settings.url().isEmpty()) {
            LOG.warning("Store: memory, because REDIS_URL is not set (store.type=auto). Sessions and presence "
                    + "live in this process only and are lost on restart.");
            return Backend.memory();
        }
        try {
            return connect(settings);
        } catch (RuntimeException e) {
            LOG.warning("Store: memory, because Redis at " + settings.redactedUrl() + " did not answer at startup ("
                    + e.getClass().getSimpleName() + "); store.type=auto. Set STORE=redis to fail instead.");
            return Backend.memory();
        }
    }

    private static Backend connect(RedisSettings settings) {
        RedissonClient client = Redisson.create(redissonConfig(settings));
        try {
            client.getBucket(settings.keyPrefix() + "ping").isExists();
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
        LOG.info("Store: redis at " + settings.redactedUrl());
        return Backend.redis(client, new RedisKeys(settings.keyPrefix()),
                new RedisBatcher(client, settings.timeoutMs(), settings.batchesInFlight(), 128));
    }

    /** Fail fast (no retries past the timeout) so an outage turns into a quick 503. */
    public static Config redissonConfig(RedisSettings settings) {
        URI uri = settings.uri();
        Config config = new Config();
        config.setMinCleanUpDelay(settings.cleanupMinDelay());
        config.setMaxCleanUpDelay(settings.cleanupMaxDelay());
        config.setCleanUpKeysAmount(settings.cleanupKeys());
        config.setNettyThreads(settings.nettyThreads());
        // Every value here is JSON text; naming the codec also keeps Redisson's Kryo default unloaded.
        config.setCodec(StringCodec.INSTANCE);
        SingleServerConfig server = config.useSingleServer()
                .setAddress(uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : 6379))
                .setTimeout(settings.timeoutMs())
                .setConnectTimeout(settings.connectTimeoutMs())
                .setRetryAttempts(0)
                .setPingConnectionInterval(5000)
                .setConnectionMinimumIdleSize(Math.min(4, settings.poolSize()))
                .setConnectionPoolSize(settings.poolSize());
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String user = colon >= 0 ? userInfo.substring(0, colon) : "";
            String password = colon >= 0 ? userInfo.substring(colon + 1) : userInfo;
            if (!user.isEmpty() && !user.equals("default")) {
                server.setUsername(decode(user));
            }
            if (!password.isEmpty()) {
                server.setPassword(decode(password));
            }
        }
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            try {
                server.setDatabase(Integer.parseInt(path.substring(1)));
            } catch (NumberFormatException e) {
                throw new io.sessionpresence.config.InvalidConfigException("redis.url", "database must be a number");
            }
        }
        return config;
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
