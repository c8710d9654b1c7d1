package io.sessionpresence.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.helidon.config.Config;
import io.sessionpresence.config.InvalidConfigException;
import io.sessionpresence.config.Settings;

/**
 * Which Redis deployment the service uses: the one of {@code redis.url} (one server),
 * {@code redis.sentinel.*} (a master found through Sentinel), {@code redis.cluster.nodes} (Redis
 * Cluster) and {@code redis.config-file} (a full Redisson YAML) that is set; setting two is a
 * startup error naming both. {@link RedisConnection} turns it into a Redisson config.
 */
public sealed interface RedisTopology {

    /** Where it connects, safe to log: addresses only, never a password. */
    String describe();

    /** No Redis configured: {@code store.type=auto} picks memory. */
    record None() implements RedisTopology {
        @Override
        public String describe() {
            return "no Redis";
        }
    }

    /** One server: {@code redis://[user:password@]host:port[/db]}, {@code rediss://} for TLS. */
    record SingleServer(URI uri) implements RedisTopology {
        public boolean tls() {
            return uri.getScheme().equals("rediss");
        }

        public String address() {
            return uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : 6379);
        }

        @Override
        public String describe() {
            return "one server at " + address() + (uri.getPath() == null ? "" : uri.getPath());
        }
    }

    /** The master Sentinel names {@code master}, asked of the sentinels at {@code nodes} ({@code host:port}). */
    record Sentinel(String master, List<String> nodes) implements RedisTopology {
        @Override
        public String describe() {
            return "Sentinel master '" + master + "' via " + String.join(",", nodes);
        }
    }

    /** A Redis Cluster, discovered from the seed {@code nodes} ({@code host:port}). */
    record Cluster(List<String> nodes) implements RedisTopology {
        @Override
        public String describe() {
            return "Redis Cluster seeded by " + String.join(",", nodes);
        }
    }

    /** Everything as the Redisson YAML {@code file} says (this service still sets its codec). */
    record ConfigFile(Path file) implements RedisTopology {
        @Override
        public String describe() {
            return "the Redisson config " + file;
        }
    }

    /** The configured topology; a malformed or doubly set one stops startup naming its key. */
    static RedisTopology from(Config root) {
        String url = Settings.string(root, "redis.url").trim();
        List<String> sentinels = nodes(root, "redis.sentinel.nodes");
        String master = Settings.string(root, "redis.sentinel.master").trim();
        List<String> cluster = nodes(root, "redis.cluster.nodes");
        String file = Settings.string(root, "redis.config-file").trim();
        List<String> set = new ArrayList<>();
        if (!url.isEmpty()) {
            set.add("redis.url");
        }
        if (!sentinels.isEmpty() || !master.isEmpty()) {
            set.add("redis.sentinel.*");
        }
        if (!cluster.isEmpty()) {
            set.add("redis.cluster.nodes");
        }
        if (!file.isEmpty()) {
            set.add("redis.config-file");
        }
        if (set.size() > 1) {
            throw new InvalidConfigException(set.get(0), "is set together with " + String.join(" and ", set.subList(1, set.size()))
                    + ": set one way to reach Redis");
        }
        if (!url.isEmpty()) {
            return new SingleServer(parseUrl(url));
        }
        if (!sentinels.isEmpty() || !master.isEmpty()) {
            if (master.isEmpty()) {
                throw new InvalidConfigException("redis.sentinel.master", "is required with redis.sentinel.nodes (REDIS_SENTINEL_MASTER)");
            }
            if (sentinels.isEmpty()) {
                throw new InvalidConfigException("redis.sentinel.nodes", "is required with redis.sentinel.master (REDIS_SENTINEL_NODES)");
            }
            return new Sentinel(master, sentinels);
        }
        if (!cluster.isEmpty()) {
            return new Cluster(cluster);
        }
        if (!file.isEmpty()) {
            if (!Files.isReadable(Path.of(file))) {
                throw new InvalidConfigException("redis.config-file", "cannot be read: " + file);
            }
            return new ConfigFile(Path.of(file));
        }
        return new None();
    }

    /** {@code host:port,...} (or a YAML list), each checked. */
    private static List<String> nodes(Config root, String key) {
        List<String> nodes = Settings.list(root, key);
        for (String node : nodes) {
            int colon = node.lastIndexOf(':');
            boolean valid = colon > 0 && colon < node.length() - 1 && node.substring(colon + 1).chars().allMatch(Character::isDigit);
            if (!valid || node.contains("://")) {
                throw new InvalidConfigException(key, "must be host:port,... ('" + node + "' is not)");
            }
        }
        return nodes;
    }

    private static URI parseUrl(String url) {
        try {
            URI uri = new URI(url);
            if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
                throw new InvalidConfigException("redis.url", "must start with redis:// or rediss://");
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new InvalidConfigException("redis.url", "has no host");
            }
            String path = uri.getPath();
            if (path != null && path.length() > 1 && !path.substring(1).chars().allMatch(Character::isDigit)) {
                throw new InvalidConfigException("redis.url", "database must be a number");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new InvalidConfigException("redis.url", "is not a valid URL");
        }
    }
}
