package io.sessionpresence.store;

import java.util.List;

/**
 * The Redis key schema, and what each operation costs. Every key starts with the configured
 * prefix {@code P} (default {@code sp:}). Values are JSON written with {@code StringCodec}, so
 * {@code redis-cli} shows them as text.
 *
 * <h2>Keys</h2>
 * <table>
 * <caption>Redis keys</caption>
 * <tr><th>key</th><th>type</th><th>holds</th></tr>
 * <tr><td>{@code P sessions}</td><td>RMapCache</td><td>SHA-256(token) hex &rarr; session JSON
 *     (id, user, created, expires_at, last_activity, remember_me, ua, ip); per-entry TTL = expiry,
 *     maxIdle = {@code session.idle-timeout} when set. No raw token is stored anywhere.</td></tr>
 * <tr><td>{@code P session-ids}</td><td>RMapCache</td><td>public session id &rarr; token hash,
 *     same TTL; its Redisson expiry zset ({@link #expiryIndexOf}) is what counts and pages live
 *     sessions.</td></tr>
 * <tr><td><code>{P users}:sessions:&lt;user&gt;</code></td><td>ZSET</td><td>the user's session ids scored
 *     by expiry; the key itself expires with its latest member; pruned of expired ids on every
 *     write.</td></tr>
 * <tr><td><code>{P users}:active</code></td><td>ZSET</td><td>user id scored by the expiry of their
 *     latest session: {@code ZCOUNT now +inf} is the number of users with a live session.</td></tr>
 * <tr><td>{@code P user-cache}</td><td>RMapCache</td><td>user id &rarr; cached data JSON, TTL
 *     {@code cache.ttl}.</td></tr>
 * <tr><td>{@code P presence}</td><td>RMapCache</td><td><code>user|ip</code> &rarr; presence JSON, TTL
 *     {@code presence.ttl}.</td></tr>
 * <tr><td>{@code P activity}</td><td>RMapCache</td><td>sid &rarr; session activity JSON, TTL
 *     {@code presence.activity-ttl}.</td></tr>
 * <tr><td><code>P limit:&lt;limit&gt;:&lt;address or user&gt;</code></td><td>string</td><td>the shared
 *     rate limits ({@code session-create-per-user}, {@code admin-failures-per-ip},
 *     {@code session-failures-per-ip}): the next request's theoretical arrival time in µs of
 *     Redis's clock; expires once the allowance is full again. Only failures and logins write
 *     one.</td></tr>
 * <tr><td><code>P eio-owner:&lt;sid&gt;</code></td><td>string</td><td>the {@code realtime.advertise-url} of
 *     the instance holding that Engine.IO long-polling session ({@link ConnectionOwners}), so the
 *     others forward its polls there; TTL {@code ping-interval-ms + 2 * ping-timeout-ms}, written
 *     again at each of the session's pings while it polls, deleted when it closes. Written only
 *     when {@code realtime.advertise-url} is set.</td></tr>
 * <tr><td>{@code P events}</td><td>pub/sub channel</td><td>admin events, fanned out to every
 *     instance's admin room (expiry events are not re-published: every instance hears Redisson's
 *     own expiry notifications).</td></tr>
 * </table>
 * An {@code RMapCache} named X also owns Redisson's {@code redisson__timeout__set:{X}} (entry
 * expiry, a ZSET), {@code redisson__idle__set:{X}} (only with maxIdle) and
 * {@code {X}:redisson_options}. Redisson's eviction task removes expired entries every
 * {@code redis.cleanup-min-delay}..{@code cleanup-max-delay} seconds; until then a read never
 * returns them, and our counts use {@code ZCOUNT} on the expiry zset instead of {@code HLEN}.
 *
 * <h2>Cost per operation (round trips; every RMapCache call is one EVALSHA)</h2>
 * Store calls only: routes that need a session add one validate first, and operations that
 * announce an admin event add its PUBLISH (for heartbeats and tracked activity, the PUBLISH runs
 * inside the write script).
 * <table>
 * <caption>Redis round trips per API call</caption>
 * <tr><th>API call</th><th>round trips</th><th>commands</th></tr>
 * <tr><td>validate</td><td>1</td><td>EVALSHA of our read script ({@code RedisSessionStore}): HGET,
 *     ZSCORE of the expiry; with {@code session.idle-timeout} also ZSCORE and ZADD of the idle
 *     deadline. Redisson's own get also reads the map's options each time.</td></tr>
 * <tr><td>create</td><td>3</td><td>EVAL of the per-user login limit (GET, SET);
 *     EVAL create-script (ZREMRANGEBYSCORE x2, ZCARD, ZADD x2, PEXPIREAT);
 *     one pipelined batch of 2 EVALSHA (session put, id put). +2 when the limit evicts.</td></tr>
 * <tr><td>refresh</td><td>2</td><td>EVAL replace-if-live of the session ({@code RedisSessionStore}:
 *     HGET, ZSCORE, HSET, ZADD, ZREM); batch of EVAL replace-if-live of the id entry + EVAL reindex</td></tr>
 * <tr><td>logout / revoke one</td><td>3</td><td>EVALSHA get of the id; a batch removing the session, then the id
 *     (a live session never lacks its id entry); EVAL reindex</td></tr>
 * <tr><td>logout-all</td><td>3</td><td>EVAL take-all; EVALSHA getAll of the ids; a batch removing each session,
 *     then its id</td></tr>
 * <tr><td>list own sessions (a page)</td><td>3</td><td>one batch: ZCOUNT, ZRANGEBYSCORE ... LIMIT of the page; EVALSHA getAll of those ids; EVALSHA getAll of their sessions</td></tr>
 * <tr><td>stats</td><td>3 + validate</td><td>ZCOUNT x3</td></tr>
 * <tr><td>a failed session or identity token (401)</td><td>+1</td><td>EVAL of the per-address
 *     failure limit (GET, SET)</td></tr>
 * <tr><td>any admin call</td><td>+1</td><td>EVAL of the admin lock-out check (GET); a wrong admin
 *     token +1 more (GET, SET)</td></tr>
 * <tr><td>cache get / put</td><td>1</td><td>EVALSHA</td></tr>
 * <tr><td>admin presence / activity page</td><td>1</td><td>EVALSHA_RO page script (ZCOUNT,
 *     ZREVRANGEBYSCORE ... LIMIT on the expiry ZSET, HMGET of just those entries)</td></tr>
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
    private final String prefix;

    public RedisKeys(String prefix) {
        this.prefix = prefix;
    }

    /** The RMapCache of records: user key &rarr; every session of that user. */
    public String userSessions() {
        return prefix + "user-sessions";
    }

    /** Every session but its user's latest, scored by deadline; in the records' slot. */
    public String earlierSessions() {
        return "{" + userSessions() + "}:earlier";
    }

    /**
     * The session keys of the layout before {@link #userSessions()} (a map by token hash, a map by
     * id, a sorted set per user and one of users): removed at start (see the README's upgrade note).
     * The per-user sets are the keys matching {@link #legacyUserIndexPattern()}.
     */
    public List<String> legacySessionKeys() {
        return List.of(prefix + "sessions", expiryIndexOf(prefix + "sessions"), idleIndexOf(prefix + "sessions"),
                "{" + prefix + "sessions}:redisson_options", prefix + "session-ids", expiryIndexOf(prefix + "session-ids"),
                idleIndexOf(prefix + "session-ids"), "{" + prefix + "session-ids}:redisson_options",
                "{" + prefix + "users}:active");
    }

    public String legacyUserIndexPattern() {
        return "{" + prefix + "users}:sessions:*";
    }

    public String userCache() {
        return prefix + "user-cache";
    }

    public String presence() {
        return prefix + "presence";
    }

    public String activity() {
        return prefix + "activity";
    }

    /** Who holds Engine.IO session {@code sid}, e.g. {@code sp:eio-owner:Q2h1bmsxMjM0NTY3ODkw}. */
    public String connectionOwner(String sid) {
        return prefix + "eio-owner:" + sid;
    }

    public String events() {
        return prefix + "events";
    }

    /** The start of limit {@code name}'s keys: one per limited address or user, e.g. {@code sp:limit:admin-failures-per-ip:203.0.113.7}. */
    public String limit(String name) {
        return prefix + "limit:" + name + ":";
    }

    /** Redisson's per-entry expiry ZSET for the RMapCache named {@code mapName} (score = expiry ms). */
    public static String expiryIndexOf(String mapName) {
        return "redisson__timeout__set:{" + mapName + "}";
    }

    /** Redisson's idle-deadline ZSET for the RMapCache named {@code mapName} (entries with a maxIdle only). */
    public static String idleIndexOf(String mapName) {
        return "redisson__idle__set:{" + mapName + "}";
    }
}
