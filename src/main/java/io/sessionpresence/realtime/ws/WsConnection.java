package io.sessionpresence.realtime.ws;

import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.sessionpresence.http.ClientInfo;
import io.sessionpresence.json.Json;
import io.sessionpresence.realtime.ConnectedClient;
import io.sessionpresence.realtime.Emission;
import io.sessionpresence.realtime.Gateway;
import io.sessionpresence.realtime.RealtimeSettings;
import io.sessionpresence.realtime.Transport;
import io.sessionpresence.realtime.transport.Heartbeat;
import io.sessionpresence.realtime.transport.Outbox;
import io.sessionpresence.realtime.transport.WsChannel;
import io.sessionpresence.session.SessionAuth;

/**
 * The server side of one plain WebSocket connection on {@code /ws}: JSON text frames {@code {"event": name, "data": {...}}}
 * both ways. Credentials come with the upgrade: {@code ?token=<admin token>},
 * {@code ?session=<session token>} or an {@code X-Session-Token} header; a bad one gets an
 * {@code error} event and a 1008 close. A malformed frame gets an {@code error} event and the
 * connection stays open. WebSocket pings every {@code ping-interval-ms}; no pong within
 * {@code ping-timeout-ms} drops the connection.
 */
final class WsConnection implements WsListener, Transport {
    /** The {@code /ws} text frame of an emission: {@code {"event": name, "data": {...}}}. */
    static final Function<Emission, String> FRAME =
            e -> "{\"event\":" + e.eventJson() + ",\"data\":" + e.dataJson() + "}";
    private static final String EXPECTED = "expected {\"event\": name, \"data\": {...}}";

    private final Gateway gateway;
    private final RealtimeSettings settings;
    private final ScheduledExecutorService timers;
    private final ClientInfo clientInfo;
    private final StringBuilder fragments = new StringBuilder();
    private boolean oversized;
    private Headers headers;
    private Optional<String> adminToken;
    private Optional<String> sessionToken;
    private WsChannel channel;
    private Outbox outbox;
    private Heartbeat heartbeat;
    private volatile ConnectedClient client;

    WsConnection(Gateway gateway, RealtimeSettings settings, ScheduledExecutorService timers, ClientInfo clientInfo) {
        this.gateway = gateway;
        this.settings = settings;
        this.timers = timers;
        this.clientInfo = clientInfo;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
        UriQuery query = prologue.query();
        this.headers = headers;
        this.adminToken = query.first("token").asOptional().filter(s -> !s.isBlank());
        this.sessionToken = query.first("session").asOptional()
                .or(() -> headers.first(SessionAuth.SESSION_TOKEN))
                .filter(s -> !s.isBlank());
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession session) {
        String ip = clientInfo.ip(session.socketContext().remotePeer().address(), headers);
        channel = new WsChannel(session, "websocket client");
        outbox = new Outbox(settings.queueSize(), settings.overflow(), "websocket client");
        channel.startWriter(outbox, e -> drop());
        try {
            client = gateway.connect(new Gateway.Credentials(adminToken, sessionToken, ip, ClientInfo.userAgent(headers)),
                    this);
        } catch (Gateway.Refused refused) {
            outbox.offer(new Emission("error", Json.fields("message", refused.getMessage())).framed(FRAME));
            channel.closeAfter(outbox, WsCloseCodes.VIOLATED_POLICY, refused.getMessage());
            return;
        }
        heartbeat = new Heartbeat(timers, settings.pingIntervalMs(), settings.pingTimeoutMs(),
                () -> Thread.ofVirtual().start(channel::ping), this::drop);
        heartbeat.start();
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        ConnectedClient connected = client;
        if (connected == null) {
            return;
        }
        if (!oversized && fragments.length() + text.length() > settings.maxPayload()) {
            oversized = true;
            fragments.setLength(0);
        }
        if (!oversized) {
            fragments.append(text);
        }
        if (!last) {
            return;
        }
        if (oversized) {
            oversized = false;
            connected.error("Message larger than " + settings.maxPayload() + " bytes");
            return;
        }
        String message = fragments.toString();
        fragments.setLength(0);
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
    public void deliver(Emission emission) {
        if (!outbox.offer(emission.framed(FRAME))) {
            drop();
        }
    }

    /** Dead or hopelessly slow peer: forget it and drop the TCP connection. */
    private void drop() {
        end();
        channel.abort();
    }

    private void end() {
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
