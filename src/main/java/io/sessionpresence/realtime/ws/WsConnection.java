package io.sessionpresence.realtime.ws;

import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.metrics.api.Counter;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;
import io.sessionpresence.http.ClientInfo;
import io.sessionpresence.http.Origins;
import io.sessionpresence.json.Json;
import io.sessionpresence.metrics.Channel;
import io.sessionpresence.realtime.ConnectedClient;
import io.sessionpresence.realtime.Emission;
import io.sessionpresence.realtime.Gateway;
import io.sessionpresence.realtime.RealtimeSettings;
import io.sessionpresence.realtime.Transport;
import io.sessionpresence.realtime.transport.Heartbeat;
import io.sessionpresence.realtime.transport.MessageBuffer;
import io.sessionpresence.realtime.transport.MessageBuffers;
import io.sessionpresence.realtime.transport.Outbox;
import io.sessionpresence.realtime.transport.WsChannel;
import io.sessionpresence.session.SessionAuth;

/**
 * The server side of one plain WebSocket connection on {@code /ws}: JSON text frames {@code {"event": name, "data": {...}}}
 * both ways. Credentials come in the first frame, {@code {"event":"auth","data":{"token":
 * <admin token>}}} or {@code {"session_token": ...}} (answered by {@code authenticated}), or as
 * an {@code X-Session-Token} header of the upgrade; {@code ?token=} and {@code ?session=} in the
 * URL only while {@code realtime.query-credentials} allows them (URLs end up in access logs).
 * A bad credential gets an {@code error} event and a 1008 close. Without credentials the
 * connection is anonymous. A malformed frame gets an {@code error} event and the connection stays
 * open. The connection closes with {@link #SESSION_ENDED} after a {@code session_ended} event when
 * its session ends. An upgrade from an origin {@link Origins} refuses is not taken (403).
 * WebSocket pings every {@code ping-interval-ms}; no pong within {@code ping-timeout-ms} drops the
 * connection.
 */
final class WsConnection implements WsListener, Transport {
    /** The {@code /ws} text frame of an emission: {@code {"event": name, "data": {...}}}. */
    static final Function<Emission, String> FRAME =
            e -> "{\"event\":" + e.eventJson() + ",\"data\":" + e.dataJson() + "}";
    /** The close code after {@code session_ended} (4000-4999 are for applications, RFC 6455 7.4.2). */
    static final int SESSION_ENDED = 4001;
    /** The first frame's event that carries credentials. */
    static final String AUTH = "auth";
    private static final String EXPECTED = "expected {\"event\": name, \"data\": {...}}";
    private static final String SERVER_FULL = "Too many unfinished messages on the server; retry later";
    private static final String NO_QUERY_CREDENTIALS = "Credentials in the URL are refused (realtime.query-credentials); "
            + "send {\"event\":\"auth\",\"data\":{...}} as the first frame";

    private final Gateway gateway;
    private final RealtimeSettings settings;
    private final ScheduledExecutorService timers;
    private final ClientInfo clientInfo;
    private final Origins origins;
    private final Counter dropped;
    private final WsEndpoint endpoint;
    private final MessageBuffer fragments;
    /** Set when a message went past max-payload: its remaining frames are skipped. */
    private boolean oversized;
    private Headers headers;
    private Optional<String> queryToken;
    private Optional<String> querySession;
    private Optional<String> headerSession;
    private String ip;
    /** Whether the next complete frame is the connection's first (the only one that may be {@code auth}). */
    private boolean firstFrame = true;
    private boolean credentialsOnUpgrade;
    private WsChannel channel;
    private Outbox outbox;
    private Heartbeat heartbeat;
    private volatile ConnectedClient client;

    /** @param dropped counts the messages dropped for this connection when its client falls behind */
    WsConnection(Gateway gateway, RealtimeSettings settings, ScheduledExecutorService timers, MessageBuffers buffers,
                 ClientInfo clientInfo, Origins origins, Counter dropped, WsEndpoint endpoint) {
        this.gateway = gateway;
        this.fragments = buffers.newBuffer(settings.maxPayload(), () -> refuse(new Gateway.Refused(
                "Message not completed within " + buffers.timeout().toMillis() + " ms")));
        this.settings = settings;
        this.timers = timers;
        this.clientInfo = clientInfo;
        this.origins = origins;
        this.dropped = dropped;
        this.endpoint = endpoint;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        if (!origins.allows(headers)) {
            // Served as plain HTTP instead, where Origins answers 403.
            throw new WsUpgradeException("origin not allowed");
        }
        UriQuery query = prologue.query();
        this.headers = headers;
        this.queryToken = query.first("token").asOptional().filter(s -> !s.isBlank());
        this.querySession = query.first("session").asOptional().filter(s -> !s.isBlank());
        this.headerSession = headers.first(SessionAuth.SESSION_TOKEN).filter(s -> !s.isBlank());
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession session) {
        ip = clientInfo.ip(session.socketContext().remotePeer().address(), headers);
        channel = new WsChannel(session, "websocket client");
        outbox = new Outbox(settings.queueSize(), settings.overflow(), "websocket client", dropped);
        channel.startWriter(outbox, e -> drop());
        // Created before the client, so that a session ending at once stops it for good.
        heartbeat = new Heartbeat(timers, settings.pingIntervalMs(), settings.pingTimeoutMs(), this::ping, this::drop);
        if (!endpoint.opened(this)) {
            goAway();
            return;
        }
        if (!settings.queryCredentials() && (queryToken.isPresent() || querySession.isPresent())) {
            refuse(new Gateway.Refused(NO_QUERY_CREDENTIALS));
            return;
        }
        try {
            gateway.admitConnection(ip);
        } catch (Gateway.Refused refused) {
            refuse(refused);
            return;
        }
        Gateway.Credentials credentials = new Gateway.Credentials(queryToken, querySession.or(() -> headerSession), ip,
                ClientInfo.userAgent(headers));
        credentialsOnUpgrade = credentials.any();
        if (admit(credentials)) {
            heartbeat.start();
        }
    }

    /** Connects with these credentials; refuses the connection (error, 1008) when they are bad. */
    private boolean admit(Gateway.Credentials credentials) {
        try {
            client = gateway.connect(credentials, this);
            return true;
        } catch (Gateway.Refused refused) {
            refuse(refused);
            return false;
        }
    }

    private void refuse(Gateway.Refused refused) {
        expel(new Emission("error", refused.payload()), refused.getMessage());
    }

    /**
     * The first frame's {@code auth}: the connection, anonymous until now, takes the credentials
     * it carries, or is refused.
     */
    private void authenticate(ConnectedClient anonymous, JsonNode data) {
        Gateway.Credentials credentials;
        try {
            if (data == null || !data.isObject()) {
                throw new IllegalArgumentException("auth data must be an object {\"token\"|\"session_token\": ...}");
            }
            credentials = Gateway.Credentials.fromAuth(data, headerSession, ip, ClientInfo.userAgent(headers));
        } catch (IllegalArgumentException e) {
            refuse(new Gateway.Refused(e.getMessage()));
            return;
        }
        if (!credentials.any()) {
            refuse(new Gateway.Refused("auth carries no token or session_token"));
            return;
        }
        client = null;
        anonymous.closed();
        if (admit(credentials)) {
            deliver(new Emission("authenticated", client.sessionUser().map(u -> Json.fields("user", u))
                    .orElseGet(() -> Json.fields("admin", true))));
        }
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        ConnectedClient connected = client;
        if (connected == null) {
            return;
        }
        Optional<String> complete = Optional.empty();
        if (!oversized) {
            MessageBuffer.Outcome outcome = fragments.add(text, last);
            if (outcome.refusal().filter(r -> r == MessageBuffer.Refusal.SERVER_FULL).isPresent()) {
                refuse(new Gateway.Refused(SERVER_FULL));
                return;
            }
            oversized = outcome.refusal().isPresent();
            complete = outcome.message();
        }
        if (!last || connected.admitMessage().isPresent()) {
            return;
        }
        if (oversized) {
            oversized = false;
            connected.error("Message larger than " + settings.maxPayload() + " bytes");
            return;
        }
        String message = complete.orElseThrow();
        JsonNode frame;
        try {
            frame = Json.parse(message);
        } catch (Json.MalformedJson e) {
            connected.error("Malformed frame (" + e.getMessage() + "): " + EXPECTED);
            return;
        }
        JsonNode event = frame.get("event");
        if (!frame.isObject() || event == null || !event.isTextual() || event.textValue().isBlank()) {
            connected.error("Malformed frame: " + EXPECTED);
            return;
        }
        boolean first = firstFrame;
        firstFrame = false;
        if (AUTH.equals(event.textValue())) {
            if (first && !credentialsOnUpgrade) {
                authenticate(connected, frame.get("data"));
            } else {
                connected.error("auth must be the first frame, on a connection opened without credentials");
            }
            return;
        }
        connected.handle(event.textValue(), frame.get("data"));
    }

    @Override
    public void onMessage(WsSession session, BufferData buffer, boolean last) {
        ConnectedClient connected = client;
        if (connected != null && last) {
            connected.error("Binary frames are not supported; send JSON text frames");
        }
    }

    @Override
    public void onPing(WsSession session, BufferData buffer) {
        channel.pong(buffer);
    }

    @Override
    public void onPong(WsSession session, BufferData buffer) {
        if (heartbeat != null) {
            heartbeat.pong();
        }
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        channel.answerClose(status);
        end();
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        channel.yieldClose();
        end();
    }

    // ---- Transport

    @Override
    public Channel channel() {
        return Channel.WS;
    }

    @Override
    public void deliver(Emission emission) {
        if (!outbox.offer(emission.framed(FRAME))) {
            drop();
        }
    }

    @Override
    public void disconnect(Emission farewell, String reason) {
        heartbeat.stop();
        client = null;
        outbox.offer(farewell.framed(FRAME));
        channel.closeAfter(outbox, SESSION_ENDED, reason);
    }

    @Override
    public void expel(Emission error, String reason) {
        heartbeat.stop();
        ConnectedClient connected = client;
        client = null;
        if (connected != null) {
            connected.closed();
        }
        outbox.offer(error.framed(FRAME));
        channel.closeAfter(outbox, WsCloseCodes.VIOLATED_POLICY, reason);
    }

    /**
     * Server shutdown: what is queued goes out, then close 1001 (going away), which
     * {@code /static/realtime.js} and other clients answer by reconnecting, to another instance.
     * The user's presence is left to expire: the client reports it again from there.
     */
    void goAway() {
        heartbeat.stop();
        ConnectedClient connected = client;
        client = null;
        if (connected != null) {
            connected.closed();
        }
        channel.closeAfter(outbox, WsCloseCodes.GOING_AWAY, "server shutdown");
    }

    /** A client whose writes have stalled past the pong timeout is as gone as one that does not answer pings. */
    private void ping() {
        if (channel.stalledLongerThan(settings.pingTimeoutMs())) {
            drop();
            return;
        }
        Thread.ofVirtual().start(channel::ping);
    }

    /** Dead or hopelessly slow peer: forget it and drop the TCP connection. */
    private void drop() {
        end();
        channel.abort();
    }

    private void end() {
        endpoint.closed(this);
        fragments.clear();
        if (heartbeat != null) {
            heartbeat.stop();
        }
        ConnectedClient connected = client;
        client = null;
        if (connected != null) {
            connected.closed();
        }
        outbox.close();
    }
}
