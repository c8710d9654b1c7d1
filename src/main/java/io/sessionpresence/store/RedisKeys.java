package io.sessionpresence.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import org.redisson.connection.CRC16;

/**
 * The Redis key schema, and what each operation costs. Every key starts with the configured
 * prefix {@code P} (default {@code sp:}). Values are JSON written with {@code StringCodec}, so
 * {@code redis-cli} shows them as text.
 *
 * <h2>Shards</h2>
 * Sessions, presence, activity and the user cache are each spread over {@code redis.shards} maps
 * (default 1 on one server or Sentinel, {@link RedisSettings#CLUSTER_SHARDS} on a Cluster); an
 * entry's shard is {@code String.hashCode} of its key (user key, presence key, activity key, user
 * id) modulo the count, except that the tracked activity of a session id goes to its session's
 * shard (the hash of the id's user key). With one shard on one server the names are those in the
 * table below. Else every name of shard {@code i} is hash-tagged: {@code P user-sessions} becomes
 * <code>{P i.n}:user-sessions</code>, <code>{P user-sessions}:earlier</code> becomes
 * <code>{P i.n}:user-sessions:earlier</code>, and so on, where {@code n} is the first number that
 * puts the tag's slot within a quarter share of the middle of shard {@code i}'s equal share of
 * the 16,384 slots. So every script touches one slot (a user's record, its ZSETs, its login limit
 * and its shard's events channel), as a Cluster requires, and a shard count that is a multiple of
 * the master count gives each master as many shards. {@code P layout} records the shard count
 * ({@code shards=N;activity=by-session}); an instance configured with another refuses to start.
 *
 * <h2>Keys</h2>
 * <table>
 * <caption>Redis keys</caption>
 * <tr><th>key</th><th>type</th><th>holds</th></tr>
 * <tr><td>{@code P user-sessions}</td><td>RMapCache (written by our scripts only)</td><td>user key
 *     (12 bytes of SHA-256 of the user id, base64url) &rarr; the user's record: MessagePack
 *     {@code [user id, [id suffix, secret hash, created, expires at, last activity, remember me, ip,
 *     user agent, last use]...]}; the entry's expiry = its latest session's deadline. A session id
 *     is the user key and 6 random bytes; a token is {@code sps_<session id>.<secret>}, and only
 *     16 bytes of SHA-256 of the secret are stored.</td></tr>
 * <tr><td><code>{P user-sessions}:earlier</code></td><td>ZSET</td><td>every session but its user's
 *     latest, by id, scored by its deadline: with the map's expiry ZSET it counts live sessions
 *     ({@code ZCOUNT} of both) and tells the sweep when each session ends.</td></tr>
 * <tr><td>{@code P user-cache}</td><td>RMapCache</td><td>user id &rarr; cached data JSON, TTL
 *     {@code cache.ttl}.</td></tr>
 * <tr><td><code>P presence:&lt;b&gt;</code></td><td>RMapCache, {@link #PRESENCE_BUCKETS} of them (on
 *     several shards, that many shared out: {@link #presenceBuckets})</td><td><code>user|ip</code>
 *     &rarr; JSON array {@code [short ua, page, last seen, verified 1/0]} (what the key does not
 *     already hold; the User-Agent in {@code UserAgents}' short form), TTL {@code presence.ttl}.
 *     An entry's bucket is {@link #bucketOf}. Buckets keep each map small enough for Redis's
 *     compact encodings (see "Bytes per presence entry").</td></tr>
 * <tr><td>{@code P activity}</td><td>RMapCache</td><td>sid &rarr; JSON array
 *     {@code [user, ip, short ua, last activity, verified 1/0]}, TTL
 *     {@code presence.activity-ttl}. The entry of a session id lives in the shard of that
 *     session's record (the shard of its first 16 characters, the user key), so one script reads
 *     a page of sessions with their activity; other sids are placed by their own hash.</td></tr>
 * <tr><td><code>P limit:&lt;limit&gt;:&lt;address or user&gt;</code></td><td>string</td><td>the shared
 *     rate limits ({@code admin-failures-per-ip}, {@code session-failures-per-ip}; and
 *     {@code session-create-per-user}, which the create script takes, in the records' slot:
 *     <code>{P user-sessions}:P limit:session-create-per-user:&lt;user&gt;</code>): the next request's
 *     theoretical arrival time in µs of Redis's clock; expires once the allowance is full again.
 *     Only failures and logins write one.</td></tr>
 * <tr><td><code>P eio-owner:&lt;sid&gt;</code></td><td>string</td><td>the {@code realtime.advertise-url} of
 *     the instance holding that Engine.IO long-polling session ({@link ConnectionOwners}), so the
 *     others forward its polls there; TTL {@code ping-interval-ms + 2 * ping-timeout-ms}, written
 *     again at each of the session's pings while it polls, deleted when it closes. Written only
 *     when {@code realtime.advertise-url} is set.</td></tr>
 * <tr><td>{@code P events}</td><td>pub/sub channel (a Cluster: sharded, one per shard)</td><td>admin
 *     events, fanned out to every instance's admin room; every instance subscribes to each shard's
 *     channel, and each script publishes on its own shard's (SPUBLISH on a Cluster). Presence and activity expiry events are not re-published (the sweep
 *     that takes an entry announces it on the map's Redisson expiry channel, which every instance hears); a session's expiry is published by
 *     the instance whose sweep took it.</td></tr>
 * </table>
 * An {@code RMapCache} named X also owns Redisson's {@code redisson__timeout__set:{X}} (entry
 * expiry, a ZSET; for a hash-tagged X, {@code redisson__timeout__set:X}, in X's slot), {@code redisson__idle__set:{X}} (only with maxIdle) and
 * {@code {X}:redisson_options}. Expired entries stay until a sweep takes them; until then a read
 * never returns them, and our counts use {@code ZCOUNT} on the expiry zset instead of {@code HLEN}.
 * Every {@code redis.cleanup-min-delay} s each instance sweeps sessions
 * ({@code RedisSessionStore#sweep}: no Redisson map object is made for the records) and presence
 * and activity ({@link RedisExpiringEntries#sweep}: Redisson's eviction task, one per map, is
 * taken off those maps), one script per shard each; Redisson's task evicts the user cache every
 * {@code cleanup-min-delay}..{@code cleanup-max-delay} s.
 *
 * <h2>Bytes per session</h2>
 * {@code MEMORY USAGE} of the three session keys, with a 111-character browser User-Agent
 * ({@code RedisBytesPerSessionTest}): 438 bytes per session with one per user (the record's hash
 * field and value, ~300; its member of the expiry ZSET, ~137); 339 with five per user (one record
 * and one expiry member per user, ~110 per session in the earlier-deadline ZSET for the other
 * four). A record grows with its user's sessions, so {@code session.max-per-user} (50) also bounds
 * what each call reads. On the 3-master test Cluster (12 shards, {@code ShardedLayoutTest}),
 * 100,000 sessions of distinct users with a short User-Agent took 40.7 MB of {@code used_memory}
 * in all, 407 bytes each, a third on each master.
 *
 * <h2>Bytes per presence entry</h2>
 * An RMapCache is a hash and its expiry ZSET. Past 128 members a ZSET becomes a skiplist with a
 * dict (~120 bytes per member; {@code zset-max-listpack-entries}), past 512 fields or a 64-byte
 * value a hash becomes a hashtable ({@code hash-max-listpack-*}); below, both are one listpack
 * (the field or member and its value or score, a few bytes more). In one map, 10,000 entries with
 * 20-character keys cost 262 bytes each with empty values; spread over 128 buckets (~80 each), 87
 * ({@code RedisBytesPerPresenceTest} measures the real entries). So up to ~12,000 present entries
 * (128 x ~100 per bucket, counting the hash's spread) the ZSETs stay listpacks; beyond, buckets
 * turn to the larger encodings one by one, up to the one-map cost, and raising the server's
 * {@code zset-max-listpack-entries} (e.g. 256) keeps twice as many compact. A value over 64 bytes
 * makes its bucket's hash a hashtable: a browser's whole User-Agent did (322 bytes per entry);
 * its short form keeps Chrome's value under 64 bytes for a page path of up to 16 characters (153
 * bytes per entry; 226 with a 41-character path). The price is an admin page's:
 * ~330 commands inside its one script (a count and a read of every bucket, HMGETs of the buckets
 * the page's entries are in), ~2.8 ms of Redis CPU against ~1.1 ms from one map (the load tests'
 * heartbeat storm, 10,000 present).
 *
 * <h2>Cost per operation (round trips; every RMapCache call is one EVALSHA)</h2>
 * Store calls only: routes that need a session add one validate first. Every write that announces
 * an admin event PUBLISHes it from inside its own script. {@code RedisRoundTripsTest} counts each
 * route's round trips against a real Redis.
 * <table>
 * <caption>Redis round trips per API call</caption>
 * <tr><th>API call</th><th>round trips</th><th>commands</th></tr>
 * <tr><td>validate</td><td>1</td><td>EVALSHA of the find script ({@code RedisSessionStore}): HGET
 *     of the record; with {@code session.idle-timeout} also HSET and ZADDs of the new deadline.
 *     With the near cache ({@code session.near-cache-ms}) 0 for a session it holds.</td></tr>
 * <tr><td>near cache renewal (background, every entry in use once per 3/4 of its life)</td><td>1 per
 *     master for all entries due</td><td>EVAL of one read-only script per shard involved: HGET of
 *     each entry's record</td></tr>
 * <tr><td>create</td><td>1</td><td>EVAL of the create script: the shared login limit (TIME, GET,
 *     SET), HGET, the per-user limit and eviction, HSET, ZADD x sessions of the user, PUBLISH of the
 *     created event (and one per evicted session).</td></tr>
 * <tr><td>refresh, logout, revoke one, logout-all</td><td>1 + validate</td><td>EVAL of one script:
 *     HGET, HSET or HDEL, ZADD/ZREM, PUBLISH of its event</td></tr>
 * <tr><td>list own sessions</td><td>1 + validate</td><td>EVAL of one read-only script (HGET)</td></tr>
 * <tr><td>stats</td><td>1 + validate</td><td>EVAL of one read-only script on every shard (ZCOUNT x2;
 *     HGET on the user's shard), sent as one batch: one round trip per master, in parallel</td></tr>
 * <tr><td>admin page of sessions</td><td>1 per master, in parallel</td><td>read-only script on every shard:
 *     ZCOUNT x2, ZREVRANGEBYSCORE x2 (merged), HGET of each record on the page, ZSCORE and HGET of
 *     each such session's tracked activity; ZCOUNT, ZREVRANGEBYSCORE ... LIMIT and HGETs of the page
 *     of tracked activity. With several shards each returns its first offset + limit of both and
 *     the service merges them, so a deep page reads more (at most offset + limit per shard)</td></tr>
 * <tr><td>the sweep (each instance, every {@code redis.cleanup-min-delay} s)</td><td>1 per master</td><td>ZRANGEBYSCORE
 *     x2, and per expired session HGET, HSET or HDEL, ZREM; then one PUBLISH per expiry</td></tr>
 * <tr><td>the presence and activity sweeps (each instance, every {@code redis.cleanup-min-delay} s)</td><td>1 per
 *     master each</td><td>EVALSHA: ZRANGEBYSCORE of each map's expiry ZSET; for what expired HMGET, a
 *     PUBLISH per entry on its map's Redisson expiry channel, ZREM, HDEL</td></tr>
 * <tr><td>a failed session or identity token (401)</td><td>+1</td><td>EVAL of the per-address
 *     failure limit (GET, SET)</td></tr>
 * <tr><td>any admin call</td><td>+1, at most once a second per address</td><td>EVAL of the admin
 *     lock-out check (GET); a wrong admin token +1 more (GET, SET)</td></tr>
 * <tr><td>cache get / put</td><td>1 + validate</td><td>EVALSHA</td></tr>
 * <tr><td>admin presence / activity page</td><td>1; with several shards 2, each to every master in
 *     parallel</td><td>one shard: EVALSHA of the read-only page script (ZCOUNT of each bucket's
 *     expiry ZSET, their entries merged newest first by ZREVRANGEBYSCORE ... LIMIT in chunks, HMGET
 *     of just the page's entries; a deep page first ZREVRANGE of one entry per bucket and ZCOUNTs
 *     above one of them, at most four times). Several: the same script on every shard returns its count and the keys and
 *     expiries of its first offset + limit, merged here; then, per bucket holding some of the
 *     page's entries, EVALSHA of a read-only script (HMGET, ZSCORE of each), all in one batch</td></tr>
 * <tr><td>Engine.IO long-polling handshake (with {@code realtime.advertise-url})</td><td>+1</td><td>SET
 *     {@code P eio-owner:<sid>} PX, before the handshake's answer (a poll may reach another
 *     instance right after it)</td></tr>
 * <tr><td>each ping of a polling Engine.IO session; its close</td><td>0 waited for</td><td>SET ... PX;
 *     DEL (sent without waiting: one command per session per ping interval)</td></tr>
 * <tr><td>a poll or post on an instance that does not hold its session</td><td>1 + one HTTP request</td><td>GET
 *     {@code P eio-owner:<sid>}, then the request forwarded to that address</td></tr>
 * <tr><td>heartbeat</td><td>1</td><td>EVALSHA of our put script ({@link RedisExpiringEntries}): HSET of
 *     the entry in Redisson's value format, ZADD to the expiry ZSET, PUBLISH of the admin event.
 *     Redisson's own {@code fastPut} runs 9 commands for the same write.</td></tr>
 * </table>
 * Validate and heartbeat go through {@link RedisBatcher}: under load, concurrent calls share one
 * pipelined round trip (each call's commands kept together), so the figures above are what one
 * call waits for, and the round trips per request fall below one.
 */
public final class RedisKeys {
    /**
     * Presence maps in all (see "Bytes per presence entry"): 128 keeps ~80 entries in each at
     * 10,000 present, within the ZSET's compact encoding; the number is part of the layout
     * ({@code P layout}) since it decides where each entry lives.
     */
    public static final int PRESENCE_BUCKETS = 128;

    /** Redis Cluster's slot count: a key's slot is CRC16 of its hash tag modulo this. */
    private static final int SLOTS = 16384;

    private final String prefix;
    private final boolean cluster;
    private final boolean tagged;
    /** Each shard's hash tag (with {@link #tagged}); its keys and events channel share its slot. */
    private final List<String> tags;

    /** One shard under the names of one server ({@code P user-sessions}, {@code P presence}, ...). */
    public RedisKeys(String prefix) {
        this(prefix, 1, false);
    }

    /**
     * @param shards  how many maps of each kind (sessions, presence, activity, user cache)
     * @param cluster a Redis Cluster: every script's keys and its events channel must share one
     *                slot, so names are hash-tagged by shard even with one shard
     */
    public RedisKeys(String prefix, int shards, boolean cluster) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be at least 1");
        }
        this.prefix = prefix;
        this.cluster = cluster;
        this.tagged = cluster || shards > 1;
        List<String> shardTags = new ArrayList<>(shards);
        for (int shard = 0; shard < shards; shard++) {
            shardTags.add(balancedTag(prefix, shard, shards));
        }
        this.tags = List.copyOf(shardTags);
    }

    /**
     * A hash tag for {@code shard} whose slot lies near the middle of the shard's equal share of
     * the 16,384 slots: {@code redis-cli --cluster create} and managed clusters give each master
     * an equal run of slots, so with a shard count that is a multiple of the master count every
     * master holds as many shards. Computed from the prefix and the count alone, so every
     * instance finds the same tags whatever the cluster looks like when it starts.
     */
    private static String balancedTag(String prefix, int shard, int shards) {
        double share = (double) SLOTS / shards;
        double middle = share * (shard + 0.5);
        for (int n = 0; ; n++) {
            String tag = prefix + shard + "." + n;
            if (Math.abs(slotOf(tag) - middle) <= share / 4) {
                return tag;
            }
        }
    }

    /** The Redis Cluster slot of a key with no braces (or of a hash tag's text). */
    public static int slotOf(String key) {
        return CRC16.crc16(key.getBytes(StandardCharsets.UTF_8)) % SLOTS;
    }

    public int shards() {
        return tags.size();
    }

    /** {@code ofShard} of every shard, in shard order: a map or channel name, an object per shard. */
    public <T> List<T> perShard(IntFunction<T> ofShard) {
        return IntStream.range(0, tags.size()).mapToObj(ofShard).toList();
    }

    /**
     * The shard that holds {@code key}: a user key for sessions (and for the tracked activity of
     * that user's session ids), the entry's key for presence and other activity, the user id for
     * the cache. {@code String.hashCode} is fixed by the Java language
     * specification, so every instance and version agrees.
     */
    public int shardOf(String key) {
        return Math.floorMod(key.hashCode(), tags.size());
    }

    /** The name of map {@code name} of {@code shard}: e.g. {@code sp:presence}, or {@code {sp:3.12}:presence} when tagged. */
    private String shardName(int shard, String name) {
        return tagged ? "{" + tags.get(shard) + "}:" + name : prefix + name;
    }

    /** The RMapCache of records of {@code shard}: user key &rarr; every session of that user. */
    public String userSessions(int shard) {
        return shardName(shard, "user-sessions");
    }

    /** Every session but its user's latest, scored by deadline; in the records' slot. */
    public String earlierSessions(int shard) {
        return inRecordsSlot(shard, "earlier");
    }

    /**
     * {@code name} in the slot of {@link #userSessions(int)}, which a session script may touch on
     * a Redis Cluster (a script's keys must share one slot), e.g. the per-user login limit the
     * create script takes.
     */
    public String inRecordsSlot(int shard, String name) {
        return tagged ? userSessions(shard) + ":" + name : "{" + userSessions(shard) + "}:" + name;
    }

    /**
     * The session keys of the layout before {@link #userSessions} (a map by token hash, a map by
     * id, a sorted set per user and one of users): removed at start (see the README's upgrade note).
     * The per-user sets are the keys matching {@link #legacyUserIndexPattern()}.
     */
    public List<String> legacySessionKeys() {
        List<String> legacy = new ArrayList<>(mapCacheKeysOf(prefix + "sessions"));
        legacy.addAll(mapCacheKeysOf(prefix + "session-ids"));
        legacy.add("{" + prefix + "users}:active");
        return legacy;
    }

    public String legacyUserIndexPattern() {
        return "{" + prefix + "users}:sessions:*";
    }

    public String userCache(int shard) {
        return shardName(shard, "user-cache");
    }

    /**
     * The presence map of the layout before buckets (one per shard): removed at every start, see
     * the README's upgrade note.
     */
    public String unbucketedPresence(int shard) {
        return shardName(shard, "presence");
    }

    /** Presence buckets per shard: {@link #PRESENCE_BUCKETS} shared out, at least one each. */
    public int presenceBuckets() {
        return Math.max(1, Math.ceilDiv(PRESENCE_BUCKETS, tags.size()));
    }

    /** The presence maps of {@code shard}, bucket 0 first: e.g. {@code sp:presence:0} .. {@code sp:presence:127}. */
    public List<String> presence(int shard) {
        return IntStream.range(0, presenceBuckets()).mapToObj(bucket -> shardName(shard, "presence:" + bucket)).toList();
    }

    /**
     * The bucket of {@code key} among {@code buckets}: its {@code String.hashCode} mixed (the
     * shard took the hash modulo the shard count, so the bucket needs other bits), modulo the
     * count; fixed, so every instance agrees.
     */
    public static int bucketOf(String key, int buckets) {
        int mixed = key.hashCode() * 0x9E3779B9;
        return Math.floorMod(mixed ^ (mixed >>> 16), buckets);
    }

    public String activity(int shard) {
        return shardName(shard, "activity");
    }

    /** Who holds Engine.IO session {@code sid}, e.g. {@code sp:eio-owner:Q2h1bmsxMjM0NTY3ODkw}. */
    public String connectionOwner(String sid) {
        return prefix + "eio-owner:" + sid;
    }

    /** The admin events channel of {@code shard}: the scripts of that shard publish there. */
    public String events(int shard) {
        return shardName(shard, "events");
    }

    /**
     * Whether events go over sharded pub/sub (a Cluster): scripts then SPUBLISH to their shard's
     * channel, which lives in their slot, and every instance SSUBSCRIBEs to each shard's channel;
     * elsewhere classic PUBLISH (SPUBLISH needs Redis 7).
     */
    public boolean shardedPubSub() {
        return cluster;
    }

    /** {@code lua} publishing as {@link #shardedPubSub()} says: its {@code redis.call('publish', ...)} become SPUBLISH on a Cluster. */
    public String publishing(String lua) {
        return cluster ? lua.replace("redis.call('publish',", "redis.call('spublish',") : lua;
    }

    /** The record of the shard count the data was written with, checked at start. */
    public String layout() {
        return prefix + "layout";
    }

    /** The start of limit {@code name}'s keys: one per limited address or user, e.g. {@code sp:limit:admin-failures-per-ip:203.0.113.7}. */
    public String limit(String name) {
        return prefix + "limit:" + name + ":";
    }

    /**
     * The name as Redisson writes it into the names of a map's other keys and channels: in braces
     * only when it has none, so they all share the map's slot.
     */
    private static String tagOf(String mapName) {
        return mapName.contains("{") ? mapName : "{" + mapName + "}";
    }

    /** Redisson's per-entry expiry ZSET for the RMapCache named {@code mapName} (score = expiry ms). */
    public static String expiryIndexOf(String mapName) {
        return "redisson__timeout__set:" + tagOf(mapName);
    }

    /** The channel Redisson's expiry listeners of the RMapCache named {@code mapName} subscribe to. */
    public static String expiredChannelOf(String mapName) {
        return "redisson_map_cache_expired:" + tagOf(mapName);
    }

    /** Redisson's idle-deadline ZSET for the RMapCache named {@code mapName} (entries with a maxIdle only). */
    public static String idleIndexOf(String mapName) {
        return "redisson__idle__set:" + tagOf(mapName);
    }

    /** Every key Redisson keeps for the RMapCache named {@code mapName}: the hash, its expiry and idle ZSETs, its options. */
    public static List<String> mapCacheKeysOf(String mapName) {
        return List.of(mapName, expiryIndexOf(mapName), idleIndexOf(mapName), tagOf(mapName) + ":redisson_options");
    }
}
