package io.sessionpresence.realtime.socketio;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.sessionpresence.http.ClientInfo;
import io.sessionpresence.json.Json;
import io.sessionpresence.metrics.Channel;
import io.sessionpresence.realtime.ConnectedClient;
import io.sessionpresence.realtime.Emission;
import io.sessionpresence.realtime.Gateway;
import io.sessionpresence.realtime.Transport;
import io.sessionpresence.realtime.engineio.EioHandler;
import io.sessionpresence.realtime.engineio.EioPacket;
import io.sessionpresence.realtime.engineio.EioProtocolException;
import io.sessionpresence.realtime.engineio.EioSocket;
import io.sessionpresence.realtime.engineio.EngineIo;
import io.sessionpresence.session.SessionAuth;

/**
 * Socket.IO on one Engine.IO session: the CONNECT handshake of the main namespace with its
 * {@code auth} payload ({@code token}: the admin credential; {@code session_token}: a login
 * session, also accepted as the {@code X-Session-Token} header of the handshake request), then
 * events with acknowledgements. Other namespaces get CONNECT_ERROR "Invalid namespace"; a bad
 * credential gets CONNECT_ERROR with the reason (the client sees {@code connect_error}); a
 * malformed packet closes the connection, as the protocol requires; a client that has not
 * joined the namespace within the connect timeout is closed. When the session ends the client
 * gets a last {@code session_ended {reason, session_id}} event and a DISCONNECT, and the
 * Engine.IO session closes.
 */
public final class SioConnection implements EioHandler, Transport {
    /** The Engine.IO message carrying a Socket.IO EVENT of an emission, shared by every socket. */
    private static final Function<Emission, String> FRAME =
            e -> EioPacket.encodeMessage(SioPacket.encodeEvent(e.eventJson(), e.dataJson()));

    private final EioSocket socket;
    private final Gateway gateway;
    private final ScheduledFuture<?> connectTimeout;
    private volatile ConnectedClient client;
    /** Guarded by this: the session ended and the farewell went out; nothing more is sent. */
    private boolean ended;
    private SioPacket awaitingAttachments;
    private int attachmentsLeft;

    public SioConnection(EioSocket socket, Gateway gateway, ScheduledExecutorService timers, long connectTimeoutMs) {
        this.socket = socket;
        this.gateway = gateway;
        this.connectTimeout = timers.schedule(() -> {
            if (client == null) {
                socket.close("connect timeout");
            }
        }, connectTimeoutMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onMessage(String text) throws EioProtocolException {
        if (attachmentsLeft > 0) {
            throw new EioProtocolException("expected a binary attachment");
        }
        SioPacket packet = SioPacket.decode(text);
        switch (packet.type()) {
            case CONNECT -> connect(packet);
            case DISCONNECT -> disconnect(packet);
            case EVENT -> event(packet);
            case ACK -> {
                // this server never asks clients for acknowledgements
            }
            case CONNECT_ERROR -> throw new EioProtocolException("CONNECT_ERROR from a client");
            case BINARY_EVENT, BINARY_ACK -> {
                awaitingAttachments = packet;
                attachmentsLeft = packet.attachments();
                if (attachmentsLeft == 0) {
                    binaryComplete();
                }
            }
        }
    }

    @Override
    public void onBinary(byte[] data) throws EioProtocolException {
        if (attachmentsLeft == 0) {
            throw new EioProtocolException("binary data without a binary packet");
        }
        if (--attachmentsLeft == 0) {
            binaryComplete();
        }
    }

    @Override
    public void onClose(String reason) {
        connectTimeout.cancel(false);
        ConnectedClient connected = client;
        client = null;
        if (connected != null) {
            connected.closed();
        }
    }

    // ---- Transport: what the client session sends

    @Override
    public Channel channel() {
        return Channel.SOCKETIO;
    }

    @Override
    public void deliver(Emission emission) {
        socket.send(emission.framed(FRAME));
    }

    @Override
    public synchronized void disconnect(Emission farewell, String reason) {
        ended = true;
        client = null;
        socket.send(farewell.framed(FRAME));
        send(SioPacket.of(SioPacket.Type.DISCONNECT, SioPacket.MAIN_NAMESPACE, -1, null));
        socket.closeAfterFlush("session ended: " + reason);
    }

    @Override
    public synchronized void expel(Emission error, String reason) {
        ended = true;
        ConnectedClient connected = client;
        client = null;
        if (connected != null) {
            connected.closed();
        }
        socket.send(error.framed(FRAME));
        send(SioPacket.of(SioPacket.Type.DISCONNECT, SioPacket.MAIN_NAMESPACE, -1, null));
        socket.closeAfterFlush(reason);
    }

    // ---- packets

    private void connect(SioPacket packet) throws EioProtocolException {
        if (!SioPacket.MAIN_NAMESPACE.equals(packet.nsp())) {
            send(SioPacket.of(SioPacket.Type.CONNECT_ERROR, packet.nsp(), -1,
                    Json.MAPPER.valueToTree(Json.fields("message", "Invalid namespace"))));
            return;
        }
        if (client == null) {
            try {
                gateway.admitConnection(socket.handshake().ip());
            } catch (Gateway.Refused refused) {
                connectError(refused);
                return;
            }
            JsonNode auth = packet.data() == null ? Json.MAPPER.createObjectNode() : packet.data();
            Gateway.Credentials credentials;
            try {
                credentials = Gateway.Credentials.fromAuth(auth,
                        socket.handshake().headers().first(SessionAuth.SESSION_TOKEN).filter(s -> !s.isBlank()),
                        socket.handshake().ip(), ClientInfo.userAgent(socket.handshake().headers()));
            } catch (IllegalArgumentException e) {
                throw new EioProtocolException(e.getMessage());
            }
            try {
                client = gateway.connect(credentials, this);
            } catch (Gateway.Refused refused) {
                connectError(refused);
                return;
            }
            connectTimeout.cancel(false);
        }
        send(SioPacket.of(SioPacket.Type.CONNECT, SioPacket.MAIN_NAMESPACE, -1,
                Json.MAPPER.valueToTree(Json.fields("sid", EngineIo.randomId()))));
    }

    private void connectError(Gateway.Refused refused) {
        send(SioPacket.of(SioPacket.Type.CONNECT_ERROR, SioPacket.MAIN_NAMESPACE, -1,
                Json.MAPPER.valueToTree(refused.payload())));
    }

    private void disconnect(SioPacket packet) {
        ConnectedClient connected = client;
        if (SioPacket.MAIN_NAMESPACE.equals(packet.nsp()) && connected != null) {
            client = null;
            connected.closed();
        }
    }

    private void event(SioPacket packet) {
        ConnectedClient connected = client;
        if (connected == null || !SioPacket.MAIN_NAMESPACE.equals(packet.nsp())) {
            return;
        }
        Optional<String> refused = connected.admitMessage();
        if (refused.isPresent()) {
            acknowledge(packet, Json.fields("ok", false, "message", refused.get()));
            return;
        }
        JsonNode args = packet.data();
        Map<String, Object> result = connected.handle(packet.eventName(), args.size() > 1 ? args.get(1) : null);
        acknowledge(packet, result);
    }

    private void binaryComplete() {
        SioPacket packet = awaitingAttachments;
        awaitingAttachments = null;
        ConnectedClient connected = client;
        if (packet.type() == SioPacket.Type.BINARY_EVENT && connected != null) {
            String message = "Binary payloads are not supported";
            connected.error(message);
            acknowledge(packet, Json.fields("ok", false, "message", message));
        }
    }

    /** Under the lock of {@link #disconnect}: an acknowledgement never follows the farewell. */
    private synchronized void acknowledge(SioPacket packet, Map<String, Object> result) {
        if (packet.hasId() && !ended) {
            ArrayNode args = Json.MAPPER.createArrayNode().add(Json.MAPPER.valueToTree(result));
            send(SioPacket.of(SioPacket.Type.ACK, packet.nsp(), packet.id(), args));
        }
    }

    private void send(SioPacket packet) {
        socket.send(EioPacket.encodeMessage(packet.encode()));
    }
}
