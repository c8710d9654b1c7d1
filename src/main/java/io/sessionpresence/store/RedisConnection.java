package io.sessionpresence.store;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Logger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

import io.sessionpresence.config.InvalidConfigException;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNode;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.api.redisnode.RedisSentinelMasterSlave;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.BaseConfig;
import org.redisson.config.BaseMasterSlaveServersConfig;
import org.redisson.config.Config;
import org.redisson.config.ReadMode;
import org.redisson.config.ShardedSubscriptionMode;
import org.redisson.config.SubscriptionMode;
import org.redisson.connection.ConnectionListener;

/**
 * Connects to Redis: the Redisson client for {@code redis.*} and its {@link RedisTopology},
 * checked with one command before it is handed out, and tuned to fail fast (no retries past the
 * timeout) so that an outage or a failover becomes a quick 503 rather than a queue of waiting
 * requests. Every read goes to a master: a session validated right after its creation must not
 * miss on a replica that lags.
 */
public final class RedisConnection {
    /**
     * Redisson's default puts 5 channels on a connection: the expiry notifications of the 128
     * presence buckets ({@link RedisKeys#PRESENCE_BUCKETS}) alone would take 26 connections.
     */
    private static final int SUBSCRIPTIONS_PER_CONNECTION = 256;

    private static final Logger LOG = Logger.getLogger(RedisConnection.class.getName());
    /** How often Redisson asks a Cluster or the sentinels who the masters are: a failover is seen within this. */
    private static final int TOPOLOGY_SCAN_MS = 1000;

    private RedisConnection() {
    }

    /** A client that has answered one command; throws when Redis does not answer. */
    public static RedissonClient connect(RedisSettings settings) {
        return connect(settings, () -> { });
    }

    /**
     * @param connectionLost runs whenever a connection to a Redis node drops unasked (not one
     *                       closed for being idle), the event subscription's included: what the
     *                       service heard from Redis may be incomplete from then on
     */
    public static RedissonClient connect(RedisSettings settings, Runnable connectionLost) {
        Config config = redissonConfig(settings).setConnectionListener(new ConnectionListener() {
            @Override
            public void onConnect(InetSocketAddress address) {
            }

            @Override
            public void onDisconnect(InetSocketAddress address) {
                connectionLost.run();
            }
        });
        RedissonClient client = Redisson.create(config);
        try {
            client.getBucket(settings.keyPrefix() + "ping").isExists();
            LOG.info("Store: redis, " + settings.topology().describe() + ": " + shape(client));
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
        return client;
    }

    /** The masters the client writes to: one, or each master of a Cluster. */
    public static List<RedisNode> masters(RedissonClient client) {
        Config config = client.getConfig();
        if (config.isClusterConfig()) {
            return List.copyOf(client.getRedisNodes(RedisNodes.CLUSTER).getMasters());
        }
        if (config.isSentinelConfig()) {
            return List.of(client.getRedisNodes(RedisNodes.SENTINEL_MASTER_SLAVE).getMaster());
        }
        if (config.isSingleConfig()) {
            return List.of(client.getRedisNodes(RedisNodes.SINGLE).getInstance());
        }
        return List.of(client.getRedisNodes(RedisNodes.MASTER_SLAVE).getMaster());
    }

    /**
     * What the client found, for the startup line: e.g. "3 masters". Replicas are not counted:
     * with every read on masters Redisson does not connect to them.
     */
    private static String shape(RedissonClient client) {
        Config config = client.getConfig();
        if (config.isClusterConfig()) {
            return masters(client).size() + " masters";
        }
        if (config.isSentinelConfig()) {
            RedisSentinelMasterSlave nodes = client.getRedisNodes(RedisNodes.SENTINEL_MASTER_SLAVE);
            return "master " + nodes.getMaster().getAddr() + ", " + nodes.getSentinels().size() + " sentinels";
        }
        return "1 master";
    }

    public static Config redissonConfig(RedisSettings settings) {
        RedisAccess access = settings.access();
        Config config = new Config()
                .setMinCleanUpDelay(settings.cleanupMinDelay())
                .setMaxCleanUpDelay(settings.cleanupMaxDelay())
                .setCleanUpKeysAmount(settings.cleanupKeys())
                .setNettyThreads(settings.nettyThreads());
        String username = access.username();
        String password = access.password();
        switch (settings.topology()) {
            case RedisTopology.SingleServer single -> {
                URI uri = single.uri();
                var server = config.useSingleServer()
                        .setAddress(single.address())
                        .setConnectionMinimumIdleSize(Math.min(4, settings.poolSize()))
                        .setConnectionPoolSize(settings.poolSize());
                String path = uri.getPath();
                if (path != null && path.length() > 1) {
                    server.setDatabase(Integer.parseInt(path.substring(1)));
                }
                perConnection(server, settings);
                username = urlUser(uri, username);
                password = urlPassword(uri, password);
            }
            case RedisTopology.Sentinel sentinel -> {
                var servers = config.useSentinelServers()
                        .setMasterName(sentinel.master())
                        .setScanInterval(TOPOLOGY_SCAN_MS);
                sentinel.nodes().forEach(node -> servers.addSentinelAddress(address(node, access)));
                if (!access.sentinelUsername().isEmpty()) {
                    servers.setSentinelUsername(access.sentinelUsername());
                }
                if (!access.sentinelPassword().isEmpty()) {
                    servers.setSentinelPassword(access.sentinelPassword());
                }
                mastersOnly(servers, settings);
                perConnection(servers, settings);
            }
            case RedisTopology.Cluster cluster -> {
                var servers = config.useClusterServers()
                        .setScanInterval(TOPOLOGY_SCAN_MS)
                        .setShardedSubscriptionMode(ShardedSubscriptionMode.AUTO);
                cluster.nodes().forEach(node -> servers.addNodeAddress(address(node, access)));
                mastersOnly(servers, settings);
                perConnection(servers, settings);
            }
            case RedisTopology.ConfigFile file -> {
                // The file says everything, timeouts and credentials included.
                return withOurCodec(fromFile(file));
            }
            case RedisTopology.None none -> throw new IllegalStateException("no Redis configured");
        }
        secure(config, username, password, access);
        return withOurCodec(config);
    }

    private static Config fromFile(RedisTopology.ConfigFile file) {
        try {
            return Config.fromYAML(file.file().toFile());
        } catch (IOException | RuntimeException e) {
            throw new InvalidConfigException("redis.config-file", "is not a Redisson YAML config: " + e.getMessage());
        }
    }

    /**
     * Every value here is text (JSON or MessagePack written by our scripts); naming the codec also
     * keeps Redisson's Kryo default unloaded. A config file's own codec would misread them.
     */
    private static Config withOurCodec(Config config) {
        return config.setCodec(StringCodec.INSTANCE);
    }

    /** Timeouts that fail fast (no retries: the caller answers 503), and subscriptions sharing connections. */
    private static void perConnection(BaseConfig<?> server, RedisSettings settings) {
        server.setSubscriptionsPerConnection(SUBSCRIPTIONS_PER_CONNECTION)
                .setTimeout(settings.timeoutMs())
                .setConnectTimeout(settings.connectTimeoutMs())
                .setRetryAttempts(0)
                .setPingConnectionInterval(5000);
    }

    /** Reads and pub/sub on masters only, so Redisson opens no connection to a replica. */
    private static void mastersOnly(BaseMasterSlaveServersConfig<?> servers, RedisSettings settings) {
        servers.setReadMode(ReadMode.MASTER)
                .setSubscriptionMode(SubscriptionMode.MASTER)
                .setMasterConnectionMinimumIdleSize(Math.min(4, settings.poolSize()))
                .setMasterConnectionPoolSize(settings.poolSize());
    }

    /** Credentials and TLS trust, for every node (Redisson 4 takes them on the config as a whole). */
    private static void secure(Config config, String username, String password, RedisAccess access) {
        if (!username.isEmpty() && !username.equals("default")) {
            config.setUsername(username);
        }
        if (!password.isEmpty()) {
            config.setPassword(password);
        }
        TrustManagerFactory trust = access.trustManagers();
        if (trust != null) {
            config.setSslTrustManagerFactory(trust);
        }
        KeyManagerFactory keys = access.keyManagers();
        if (keys != null) {
            config.setSslKeyManagerFactory(keys);
        }
    }

    private static String address(String node, RedisAccess access) {
        return (access.tls() ? "rediss://" : "redis://") + node;
    }

    private static String urlUser(URI uri, String otherwise) {
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null || userInfo.isEmpty()) {
            return otherwise;
        }
        int colon = userInfo.indexOf(':');
        return decode(colon >= 0 ? userInfo.substring(0, colon) : "");
    }

    private static String urlPassword(URI uri, String otherwise) {
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null || userInfo.isEmpty()) {
            return otherwise;
        }
        int colon = userInfo.indexOf(':');
        return colon >= 0 ? decode(userInfo.substring(colon + 1)) : decode(userInfo);
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
