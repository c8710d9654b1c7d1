package io.sessionpresence.backend;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.logging.Logger;

import io.sessionpresence.cache.RedisUserCacheStore;
import io.sessionpresence.cache.UserCacheStore;
import io.sessionpresence.config.InvalidConfigException;
import io.sessionpresence.events.AdminEvent;
import io.sessionpresence.events.AdminEvents;
import io.sessionpresence.events.RedisAdminEvents;
import io.sessionpresence.limits.SharedLimiters;
import io.sessionpresence.session.RedisSessionStore;
import io.sessionpresence.session.SessionListings;
import io.sessionpresence.session.SessionStore;
import io.sessionpresence.session.Tokens;
import io.sessionpresence.store.ConnectionOwners;
import io.sessionpresence.store.ExpiringEntries;
import io.sessionpresence.store.RedisBatcher;
import io.sessionpresence.store.RedisConnection;
import io.sessionpresence.store.RedisConnectionOwners;
import io.sessionpresence.store.RedisExpiringEntries;
import io.sessionpresence.store.RedisKeys;
import io.sessionpresence.store.RedisSettings;
import io.sessionpresence.store.RedisStoreStats;
import io.sessionpresence.store.StoreStats;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNode;
import org.redisson.client.codec.StringCodec;

/**
 * Everything in one Redis through one Redisson client, under the key schema of {@link RedisKeys};
 * instances sharing it share sessions, presence and admin events. Validate and heartbeat share
 * round trips through one {@link RedisBatcher}.
 */
public final class RedisBackend implements Backend {
    private static final Logger LOG = Logger.getLogger(RedisBackend.class.getName());
    private final RedissonClient client;
    private final RedisKeys keys;
    private final RedisBatcher batcher;
    private final InstantSource clock;
    private final RedisSettings settings;
    private final List<RedisAdminEvents> subscriptions = new ArrayList<>();
    private final List<Runnable> sweepStops = new ArrayList<>();
    /** Told of every connection to Redis that dropped (see {@link RedisConnection#connect(RedisSettings, Runnable)}). */
    private final List<Runnable> connectionLost;

    private RedisBackend(RedissonClient client, RedisKeys keys, RedisBatcher batcher, InstantSource clock,
                         RedisSettings settings, List<Runnable> connectionLost) {
        this.client = client;
        this.connectionLost = connectionLost;
        this.keys = keys;
        this.batcher = batcher;
        this.clock = clock;
        this.settings = settings;
    }

    /**
     * Connects, or throws when Redis does not answer.
     *
     * @param clock the system clock in production: Redis ends keys by its own clock and Redisson's
     *              map caches compare deadlines with the system clock, so only real time is
     *              consistent with them; the stores' own reads and stamps take it from here
     * @param batchSizes told the size of each batch the {@link RedisBatcher} sends
     */
    public static RedisBackend connect(RedisSettings settings, InstantSource clock, IntConsumer batchSizes) {
        List<Runnable> connectionLost = new CopyOnWriteArrayList<>();
        RedissonClient client = RedisConnection.connect(settings, () -> connectionLost.forEach(Runnable::run));
        try {
            boolean cluster = client.getConfig().isClusterConfig();
            RedisKeys keys = new RedisKeys(settings.keyPrefix(), settings.shardsFor(cluster), cluster);
            checkLayout(client, keys);
            return new RedisBackend(client, keys,
                    new RedisBatcher(client, settings.timeoutMs(), settings.batchesInFlight(), 128, batchSizes), clock,
                    settings, connectionLost);
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    /**
     * Records the shard count the data is written with on first start, and refuses another one
     * later: entries written under one count are looked for in other maps under another. Earlier
     * builds recorded only {@code shards=N} and placed tracked activity by its own hash; with
     * several shards that activity is dropped once, at the first start of this one (its clients
     * post it again, and it lived {@code presence.activity-ttl} at most anyway). Builds before
     * presence buckets kept presence in one map per shard: that map is deleted at every start, so
     * nothing an instance of an earlier build wrote during a rolling upgrade stays behind with
     * no eviction task left to end it (its users are present again at their next heartbeat).
     */
    private static void checkLayout(RedissonClient client, RedisKeys keys) {
        RBucket<String> layout = client.getBucket(keys.layout(), StringCodec.INSTANCE);
        String byShard = "shards=" + keys.shards();
        String bySession = byShard + ";activity=by-session";
        String mine = bySession + ";presence=" + keys.presenceBuckets();
        layout.setIfAbsent(mine);
        // Only the instance whose swap wins drops the earlier activity: another starting at the
        // same time may already be writing activity where it now belongs.
        if (layout.compareAndSet(byShard, mine) && keys.shards() > 1) {
            keys.perShard(keys::activity).forEach(name -> client.getMapCache(name, StringCodec.INSTANCE).delete());
            LOG.info("Tracked activity of the earlier layout dropped: it now lives in its session's shard");
        }
        layout.compareAndSet(bySession, mine);
        client.getKeys().delete(keys.perShard(keys::unbucketedPresence).stream()
                .flatMap(name -> RedisKeys.mapCacheKeysOf(name).stream()).toArray(String[]::new));
        String recorded = layout.get();
        if (recorded != null && !recorded.equals(mine)) {
            throw new InvalidConfigException("redis.shards", "is " + keys.shards() + " but the data under this key prefix "
                    + "was written with " + recordedShards(recorded) + " shards (key " + keys.layout() + ": " + recorded
                    + "); set REDIS_SHARDS to that, or start from an empty Redis (or another redis.key-prefix) to change it");
        }
        LOG.info(() -> "Redis layout: " + keys.shards() + (keys.shards() == 1 ? " shard" : " shards")
                + (keys.shardedPubSub() ? ", sharded pub/sub" : ""));
    }

    /** The N of a layout record {@code shards=N[;...]}, or the record itself when it is not one. */
    private static String recordedShards(String recorded) {
        return recorded.startsWith("shards=") ? recorded.substring("shards=".length()).split(";")[0] : recorded;
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public InstantSource clock() {
        return clock;
    }

    @Override
    public SessionStore sessionStore(long idleTimeoutMillis, AdminEvents events) {
        RedisSessionStore store = new RedisSessionStore(client, batcher, keys, idleTimeoutMillis, clock);
        store.dropLegacyLayout();
        // Sessions expire through the store's own sweep, at the pace Redisson evicts the other maps.
        sweepStops.add(store.sweepEvery(Duration.ofSeconds(settings.cleanupMinDelay()), settings.cleanupKeys()));
        return store;
    }

    @Override
    public UserCacheStore userCache() {
        return new RedisUserCacheStore(client, keys);
    }

    @Override
    public AdminEvents adminEvents(Consumer<AdminEvent> room, Runnable subscribed) {
        RedisAdminEvents events = new RedisAdminEvents(client, keys.perShard(keys::events), keys.shardedPubSub(), room,
                subscribed);
        subscriptions.add(events);
        // Events published while a connection is down never arrive: say so at once, not only once subscribed again.
        connectionLost.add(subscribed);
        return events;
    }

    /** Each write publishes its event from inside its own script, so {@code events} is not called. */
    @Override
    public ExpiringEntries presenceEntries(AdminEvents events) {
        return swept(new RedisExpiringEntries(client, batcher, keys, keys::presence, keys::shardOf, clock));
    }

    @Override
    public ExpiringEntries activityEntries(AdminEvents events) {
        return swept(new RedisExpiringEntries(client, batcher, keys, shard -> List.of(keys.activity(shard)),
                this::activityShard, clock));
    }

    /** Expired entries leave at the pace of the session sweep, announced by whichever instance takes them. */
    private RedisExpiringEntries swept(RedisExpiringEntries entries) {
        sweepStops.add(entries.sweepEvery(Duration.ofSeconds(settings.cleanupMinDelay()), settings.cleanupKeys()));
        return entries;
    }

    /**
     * A session's tracked activity lives in the shard of the session's record, so that the admin
     * listing reads a page of sessions and their activity in one script per shard. Other names
     * (the presence tracker's own sids) are placed by their own hash.
     */
    private int activityShard(String sid) {
        return keys.shardOf(Tokens.isSessionId(sid) ? Tokens.userKeyOf(sid) : sid);
    }

    /** The session store made here reads the listing in one script per shard; any other, in three reads. */
    @Override
    public SessionListings sessionListings(SessionStore sessions, ExpiringEntries activity) {
        return sessions instanceof RedisSessionStore redis ? redis : SessionListings.separately(sessions, activity);
    }

    @Override
    public StoreStats stats() {
        return new RedisStoreStats(client);
    }

    @Override
    public SharedLimiters sharedLimiters() {
        return SharedLimiters.inRedis(batcher, keys);
    }

    @Override
    public ConnectionOwners connectionOwners() {
        return new RedisConnectionOwners(client, keys);
    }

    @Override
    public boolean answers() {
        try {
            return RedisConnection.masters(client).stream().allMatch(RedisNode::ping);
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        sweepStops.forEach(Runnable::run);
        subscriptions.forEach(RedisAdminEvents::close);
        client.shutdown();
    }
}
