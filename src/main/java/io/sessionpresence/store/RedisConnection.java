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
 * Connects to Redis: the Redisson client for {@code redis.*}, checked with one command before it is
 * handed out, and tuned to fail fast (no retries past the timeout) so that an outage becomes a
 * quick 503 rather than a queue of waiting requests.
 */
public final class RedisConnection {
    private static final Logger LOG = Logger.getLogger(RedisConnection.class.getName());

    private RedisConnection() {
    }

    /** A client that has answered one command; throws when Redis does not answer. */
    public static RedissonClient connect(RedisSettings settings) {
        RedissonClient client = Redisson.create(redissonConfig(settings));
        try {
            client.getBucket(settings.keyPrefix() + "ping").isExists();
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
        LOG.info("Store: redis at " + settings.redactedUrl());
        return client;
    }

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
