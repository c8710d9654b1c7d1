package io.sessionpresence.realtime.engineio;

import java.util.Optional;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;
import io.sessionpresence.http.TooManyRequests;
import io.sessionpresence.realtime.transport.MessageBuffer;
import io.sessionpresence.realtime.transport.MessageBuffers;
import io.sessionpresence.realtime.transport.WsChannel;

/**
 * One WebSocket on the Engine.IO path: either a WebSocket-only session, or the upgrade of a
 * long-polling session ({@code sid} in the query). Bad query parameters or an unknown
 * {@code sid} refuse the upgrade, so the request falls through to the HTTP handler, which
 * answers 400 as the reference server does. A known session that cannot take this WebSocket
 * (already upgraded, upgrading through another one, or closed) gets it opened and then closed,
 * also as the reference does: the protocol keeps 400 for unknown sessions. An upgrade from an
 * origin that {@link io.sessionpresence.http.Origins} refuses is not taken either, and the HTTP
 * side answers it 403.
 */
final class EioWsListener implements WsListener {
    private final EngineIo engine;
    private final MessageBuffer fragments;
    private Headers headers;
    private String sid;
    private EioSocket socket;
    private WsChannel channel;

    EioWsListener(EngineIo engine, MessageBuffers buffers) {
        this.engine = engine;
        this.fragments = buffers.newBuffer(engine.settings().maxPayload(), () -> close("message not completed in time"));
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        if (!engine.origins().allows(headers)) {
            throw new WsUpgradeException("origin not allowed");
        }
        UriQuery query = prologue.query();
        if (!"4".equals(query.first("EIO").orElse("")) || !"websocket".equals(query.first("transport").orElse(""))) {
            throw new WsUpgradeException("not an Engine.IO v4 WebSocket request");
        }
        sid = query.first("sid").orElse(null);
        if (sid != null && engine.find(sid).isEmpty()) {
            throw new WsUpgradeException("unknown session");
        }
        this.headers = headers;
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession session) {
        engine.opened(this);
        String ip = engine.clients().ip(session.socketContext().remotePeer().address(), headers);
        if (sid == null) {
            channel = new WsChannel(session, "engine.io websocket");
            try {
                socket = engine.open(new Handshake(ip, headers), channel);
            } catch (TooManyRequests limited) {
                channel.closeNow(WsCloseCodes.TRY_AGAIN_LATER, limited.getMessage());
            }
            return;
        }
        channel = new WsChannel(session, "engine.io upgrade " + sid);
        socket = engine.find(sid).filter(s -> s.attachProbe(channel)).orElse(null);
        if (socket == null) {
            channel.closeNow(WsCloseCodes.VIOLATED_POLICY, "Session cannot be upgraded");
        }
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        if (socket == null) {
            return;
        }
        MessageBuffer.Outcome outcome = fragments.add(text, last);
        if (outcome.refusal().isPresent()) {
            socket.close(outcome.refusal().get() == MessageBuffer.Refusal.TOO_LARGE ? "message too large"
                    : "too many unfinished messages on the server");
            return;
        }
        if (outcome.message().isEmpty()) {
            return;
        }
        try {
            receive(EioPacket.decode(outcome.message().get()));
        } catch (EioProtocolException e) {
            socket.protocolError(e);
        }
    }

    private void receive(EioPacket packet) {
        try {
            socket.receive(packet, channel);
        } catch (EioProtocolException e) {
            socket.protocolError(e);
        }
    }

    @Override
    public void onMessage(WsSession session, BufferData buffer, boolean last) {
        if (socket == null) {
            return;
        }
        if (!last || buffer.available() > engine.settings().maxPayload()) {
            socket.close("binary message too large or fragmented");
            return;
        }
        byte[] data = new byte[buffer.available()];
        buffer.read(data);
        receive(EioPacket.binaryMessage(data));
    }

    @Override
    public void onPing(WsSession session, BufferData buffer) {
        channel.pong(buffer);
    }

    /** Closes the session this WebSocket carries, if any. */
    private void close(String reason) {
        EioSocket current = socket;
        if (current != null) {
            current.close(reason);
        }
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        engine.closed(this);
        fragments.clear();
        channel.answerClose(status);
        if (socket != null) {
            socket.transportClosed(channel, "transport close");
        }
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        engine.closed(this);
        fragments.clear();
        channel.yieldClose();
        if (socket != null) {
            socket.transportClosed(channel, "transport error");
        }
    }
}
