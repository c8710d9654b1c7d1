package io.sessionpresence.realtime;

import java.util.Optional;

import io.helidon.config.Config;
import io.sessionpresence.config.InvalidConfigException;
import io.sessionpresence.config.Settings;
import io.sessionpresence.http.BaseUrl;
import io.sessionpresence.realtime.transport.Overflow;

/**
 * The {@code realtime.*} keys (documented in config/application.yaml).
 *
 * @param pingIntervalMs   heartbeat period, Engine.IO and plain WebSocket alike
 * @param pingTimeoutMs    how long a pong may take before the connection is dropped
 * @param maxPayload       largest message accepted from a client, in bytes
 * @param connectTimeoutMs a Socket.IO client must join the namespace within this
 * @param queueSize        per-connection outbound queue bound
 * @param overflow         what a full queue does
 * @param coalesceMs       batch presence events into diffs every this many ms; 0 = per event
 * @param snapshotLimit    most presence entries and sessions an admin snapshot lists
 * @param queryCredentials accept {@code /ws?token=} and {@code ?session=} (compatibility; dev only)
 * @param sessionRecheckMs a socket's session is read again at least this often (a missed end event)
 * @param messageTimeoutMs a message sent in several WebSocket frames must be complete within this
 * @param maxBufferedBytes most bytes all connections' unfinished messages may hold together
 * @param advertiseUrl     where the other instances reach this one, to forward long-polling
 *                         requests of the sessions it holds; empty = no forwarding
 */
public record RealtimeSettings(long pingIntervalMs, long pingTimeoutMs, int maxPayload, long connectTimeoutMs,
                               int queueSize, Overflow overflow, long coalesceMs, int snapshotLimit,
                               boolean queryCredentials, long sessionRecheckMs, long messageTimeoutMs,
                               long maxBufferedBytes, Optional<BaseUrl> advertiseUrl) {

    public static RealtimeSettings from(Config root) {
        return new RealtimeSettings(
                Settings.longValue(root, "realtime.ping-interval-ms", 1),
                Settings.longValue(root, "realtime.ping-timeout-ms", 1),
                Settings.intValue(root, "realtime.max-payload", 64),
                Settings.longValue(root, "realtime.connect-timeout-ms", 1),
                Settings.intValue(root, "realtime.queue-size", 2),
                Overflow.valueOf(Settings.oneOf(root, "realtime.overflow", "drop-oldest", "disconnect")
                        .replace('-', '_').toUpperCase(java.util.Locale.ROOT)),
                Settings.longValue(root, "realtime.coalesce-ms", 0),
                Settings.intValue(root, "realtime.snapshot-limit", 1),
                Settings.bool(root, "realtime.query-credentials"),
                Settings.longValue(root, "realtime.session-recheck-ms", 1),
                Settings.longValue(root, "realtime.message-timeout-ms", 1),
                Settings.longValue(root, "realtime.max-buffered-bytes", 0),
                advertiseUrl(root));
    }

    private static Optional<BaseUrl> advertiseUrl(Config root) {
        String key = "realtime.advertise-url";
        String raw = Settings.string(root, key).trim();
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(BaseUrl.parse(raw).orElseThrow(() -> new InvalidConfigException(key,
                "must be http(s)://host[:port] with nothing after it, got '" + raw + "'")));
    }
}
