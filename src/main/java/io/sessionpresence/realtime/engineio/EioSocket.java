package io.sessionpresence.realtime.engineio;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

import io.helidon.websocket.WsCloseCodes;
import io.sessionpresence.realtime.engineio.EioPacket.Type;
import io.sessionpresence.realtime.transport.Heartbeat;
import io.sessionpresence.realtime.transport.Outbox;
import io.sessionpresence.realtime.transport.WsChannel;

/**
 * One Engine.IO session: its outbound queue, its current transport (long-polling, or a
 * WebSocket, possibly reached by the probe/upgrade dance), and its heartbeat: a ping every
 * {@code pingInterval}, and the session closes if the pong is not back within
 * {@code pingTimeout}; that is also how dead clients are reaped, since an abrupt disconnect
 * produces no event at all.
 *
 * <p>All outbound packets go through the one {@link Outbox}, drained by the polling GET or by the
 * WebSocket writer, so order survives the upgrade.
 *
 * <p>Two timing rules follow the reference server, where a single event loop orders what our
 * threads may see in either order. While a probe is upgrading, a GET with nothing to send is
 * answered with a noop only after {@link #UPGRADE_CHECK_MS} (the reference's upgrade check
 * period), so that an upgrade packet racing it ends it with "transport upgraded" instead. And
 * when the client closes a polling session, the session's id stays known, for one GET, until
 * the heartbeat period has passed, so that a GET the client sent alongside its close packet gets
 * the noop rather than a 400 (and likewise for the close packet of {@link #closeAfterFlush}).
 */
public final class EioSocket {
    private static final Logger LOG = Logger.getLogger(EioSocket.class.getName());
    private static final String NOOP = "6";
    private static final String PING_TIMEOUT = "ping timeout";
    private static final String TRANSPORT_ERROR = "transport error";
    private static final long UPGRADE_CHECK_MS = 100;

    private enum State { POLLING, UPGRADING, WEBSOCKET, CLOSED }

    /** How the WebSocket transport, if any, is ended. */
    private enum Ending {
        /** Flush queued packets, then a close frame. */
        GRACEFUL,
        /** Drop the TCP connection now: the peer is dead or hopelessly behind. */
        ABORT,
        /** The peer closed it and the channel has answered: our writer stops by itself. */
        PEER_CLOSED,
        /** Server shutdown: flush queued packets, then close 1001, after which clients reconnect elsewhere. */
        GOING_AWAY
    }

    private final String sid;
    private final EngineIo engine;
    private final Handshake handshake;
    private final boolean openedPolling;
    private final Outbox outbox;
    private final AtomicBoolean pollActive = new AtomicBoolean();
    private final AtomicBoolean postActive = new AtomicBoolean();
    private final Object lock = new Object();
    private State state;
    private WsChannel ws;
    private WsChannel probe;
    private final Heartbeat heartbeat;
    private String closePacket = "1";
    /** Set once a GET has taken the close packet of a closed polling session: its id is then unknown. */
    private boolean closePacketTaken;
    /** Set by {@link #closeAfterFlush}: when polling, the close packet comes in a GET of its own. */
    private boolean closePacketAlone;
    private EioHandler handler;

    EioSocket(String sid, EngineIo engine, Handshake handshake, WsChannel ws) {
        this.sid = sid;
        this.engine = engine;
        this.handshake = handshake;
        this.ws = ws;
        this.openedPolling = ws == null;
        this.state = openedPolling ? State.POLLING : State.WEBSOCKET;
        EioSettings settings = engine.settings();
        this.outbox = new Outbox(settings.queueSize(), settings.overflow(), "engine.io session " + sid, engine.dropped());
        this.heartbeat = new Heartbeat(engine.timers(), settings.pingIntervalMs(), settings.pingTimeoutMs(),
                this::ping, () -> drop(PING_TIMEOUT));
    }

    /**
     * Each ping also tells the other instances, while polls may still come, that the session is
     * still here. A WebSocket whose writes have stalled past the pong timeout is dropped: a client
     * may answer pings it never read.
     */
    private void ping() {
        WsChannel active;
        synchronized (lock) {
            active = ws;
        }
        if (active != null && active.stalledLongerThan(engine.settings().pingTimeoutMs())) {
            drop(TRANSPORT_ERROR);
            return;
        }
        send(String.valueOf(Type.PING.code()));
        boolean polling;
        synchronized (lock) {
            polling = state == State.POLLING || state == State.UPGRADING;
        }
        if (polling) {
            engine.stillHeld(this);
        }
    }

    /** Sends the open packet and starts the transport and the heartbeat. */
    void start(EioHandler handler, String openPacket) {
        this.handler = handler;
        outbox.offer(openPacket);
        if (ws != null) {
            ws.startWriter(outbox, e -> drop(TRANSPORT_ERROR));
        }
        heartbeat.start();
    }

    public String sid() {
        return sid;
    }

    public Handshake handshake() {
        return handshake;
    }

    /** Whether the session began with long-polling (else it was WebSocket-only from the start). */
    boolean openedPolling() {
        return openedPolling;
    }

    /** Queues an already encoded Engine.IO packet (e.g. {@code 42["event",{}]}); never blocks. */
    public void send(String encodedPacket) {
        if (!outbox.offer(encodedPacket)) {
            drop("send queue full");
        }
    }

    /** Closes the session from the server side (the client sees a close packet or a closed socket). */
    public void close(String reason) {
        close(reason, "1", Ending.GRACEFUL);
    }

    /**
     * Closes the session once the packets already queued have reached the client: on a WebSocket
     * they go before the close frame; when polling, a GET takes them and the next GET the close
     * packet, as the reference server does (its polling transport sends the close packet only
     * after its buffer has drained). In one payload, socket.io-client handles the close packet
     * before the messages ahead of it (it decodes those on the next tick) and loses them.
     */
    public void closeAfterFlush(String reason) {
        synchronized (lock) {
            closePacketAlone = true;
        }
        close(reason, "1", Ending.GRACEFUL);
    }

    /** Server shutdown: like {@link #close}, with WebSocket close code 1001 (going away). */
    void goAway() {
        close("server shutdown", "1", Ending.GOING_AWAY);
    }

    /** Closes the session at once, without flushing: for peers that are gone or hopelessly behind. */
    void drop(String reason) {
        close(reason, "1", Ending.ABORT);
    }

    /** Closes the session if its pong is overdue, before the heartbeat's timer gets to it; true if so. */
    boolean closeIfPongOverdue() {
        if (!heartbeat.overdue()) {
            return false;
        }
        drop(PING_TIMEOUT);
        return true;
    }

    // ---- inbound

    /** One packet from the client; {@code from} is the WebSocket it came on, or null for polling. */
    void receive(EioPacket packet, WsChannel from) throws EioProtocolException {
        if (from != null && from != currentWs()) {
            receiveProbe(packet, from);
            return;
        }
        switch (packet.type()) {
            case PONG -> heartbeat.pong();
            case MESSAGE -> {
                if (packet.isBinary()) {
                    handler.onBinary(packet.binary());
                } else {
                    handler.onMessage(packet.text());
                }
            }
            case CLOSE -> close("client close", NOOP, Ending.GRACEFUL);
            case PING, NOOP -> {
                // v4 clients do not ping; a stray ping or noop is harmless
            }
            default -> throw new EioProtocolException("unexpected " + packet.type() + " packet");
        }
    }

    private WsChannel currentWs() {
        synchronized (lock) {
            return ws;
        }
    }

    /** The upgrade: "2probe" answered with "3probe" on the new socket, then "5" switches over. */
    private void receiveProbe(EioPacket packet, WsChannel from) throws EioProtocolException {
        if (packet.type() == Type.PING && "probe".equals(packet.text())) {
            from.send(Type.PONG.code() + "probe");
            synchronized (lock) {
                if (probe != from) {
                    return;
                }
                state = State.UPGRADING;
            }
            engine.timers().schedule(outbox::wake, UPGRADE_CHECK_MS, TimeUnit.MILLISECONDS);
            return;
        }
        if (packet.type() == Type.UPGRADE) {
            synchronized (lock) {
                if (probe != from || state != State.UPGRADING) {
                    throw new EioProtocolException("upgrade without a successful probe");
                }
                ws = from;
                probe = null;
                state = State.WEBSOCKET;
            }
            outbox.wake();
            from.startWriter(outbox, e -> drop(TRANSPORT_ERROR));
            return;
        }
        if (packet.type() != Type.NOOP) {
            throw new EioProtocolException("unexpected " + packet.type() + " packet during upgrade");
        }
    }

    /** A WebSocket asking to become this session's transport; false if the session cannot upgrade now. */
    boolean attachProbe(WsChannel channel) {
        synchronized (lock) {
            if (state != State.POLLING || probe != null) {
                return false;
            }
            probe = channel;
            return true;
        }
    }

    /** The WebSocket {@code channel} is gone (close frame or read error). */
    void transportClosed(WsChannel channel, String reason) {
        boolean active;
        synchronized (lock) {
            if (channel == probe) {
                probe = null;
                if (state == State.UPGRADING) {
                    state = State.POLLING;
                }
                return;
            }
            active = channel == ws;
        }
        if (active) {
            close(reason, "1", Ending.PEER_CLOSED);
        }
    }

    // ---- long-polling

    /**
     * Admits one polling request of a kind: none once upgraded; a second concurrent one of the
     * same kind breaks the protocol and closes the session.
     */
    private void enterPolling(AtomicBoolean active, String method) throws EioRequestException {
        synchronized (lock) {
            if (state == State.WEBSOCKET) {
                throw upgraded();
            }
        }
        if (!active.compareAndSet(false, true)) {
            close("overlapping polling " + method);
            throw new EioRequestException(EioRequestException.BAD_REQUEST, "Overlapping " + method + " requests");
        }
    }

    /** A polling GET: waits for packets (not past the heartbeat period) and returns the payload. */
    String poll() throws EioRequestException {
        enterPolling(pollActive, "GET");
        try {
            List<String> packets = new ArrayList<>(outbox.drain(TimeUnit.MILLISECONDS.toNanos(pollWaitMs())));
            synchronized (lock) {
                if (state == State.CLOSED && !(closePacketAlone && !packets.isEmpty())) {
                    if (closePacketTaken) {
                        throw unknown();
                    }
                    closePacketTaken = true;
                    packets.add(closePacket);
                    engine.remove(this);
                } else if (state == State.WEBSOCKET && packets.isEmpty()) {
                    throw upgraded();
                }
            }
            if (packets.isEmpty()) {
                packets.add(NOOP);
            }
            return EioPacket.encodePayload(packets);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NOOP;
        } finally {
            pollActive.set(false);
        }
    }

    private long pollWaitMs() {
        synchronized (lock) {
            return switch (state) {
                case POLLING -> engine.settings().pingIntervalMs() + engine.settings().pingTimeoutMs();
                case UPGRADING -> UPGRADE_CHECK_MS;
                case WEBSOCKET, CLOSED -> 0;
            };
        }
    }

    private static EioRequestException upgraded() {
        return new EioRequestException(EioRequestException.BAD_REQUEST, "Transport upgraded");
    }

    private static EioRequestException unknown() {
        return new EioRequestException(EioRequestException.UNKNOWN_SID, "Session ID unknown");
    }

    /**
     * Takes a long-polling POST's packets, in order. The body is read as UTF-8 strictly: an invalid
     * sequence is a protocol error (400, the session closes), not a replacement character in a
     * user's name.
     */
    void post(byte[] body) throws EioRequestException {
        synchronized (lock) {
            if (state == State.CLOSED) {
                throw unknown();
            }
        }
        enterPolling(postActive, "POST");
        try {
            for (EioPacket packet : EioPacket.decodePayload(utf8(body))) {
                receive(packet, null);
            }
        } catch (EioProtocolException e) {
            protocolError(e);
            throw new EioRequestException(EioRequestException.BAD_REQUEST, "Bad request");
        } finally {
            postActive.set(false);
        }
    }

    private static String utf8(byte[] body) throws EioProtocolException {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new EioProtocolException("the body is not valid UTF-8");
        }
    }

    /** Closes the session over a packet that breaks the protocol, as the specification requires. */
    void protocolError(EioProtocolException e) {
        LOG.info(() -> "Realtime engine.io session " + sid + " closed: " + e.getMessage());
        close("parse error");
    }

    // ---- close

    private void close(String reason, String finalPacket, Ending ending) {
        WsChannel active;
        WsChannel probing;
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            closePacket = finalPacket;
            active = ws;
            probing = probe;
            probe = null;
        }
        heartbeat.stop();
        boolean lastGetToCome;
        synchronized (lock) {
            lastGetToCome = active == null && (NOOP.equals(finalPacket) || closePacketAlone);
        }
        if (lastGetToCome) {
            EioSettings settings = engine.settings();
            engine.timers().schedule(() -> engine.remove(this),
                    settings.pingIntervalMs() + settings.pingTimeoutMs(), TimeUnit.MILLISECONDS);
        } else {
            engine.remove(this);
        }
        if (active == null) {
            outbox.close();
        } else {
            switch (ending) {
                case GRACEFUL -> active.closeAfter(outbox, 1000, "");
                case ABORT -> {
                    outbox.close();
                    active.abort();
                }
                case PEER_CLOSED -> outbox.close();
                case GOING_AWAY -> active.closeAfter(outbox, WsCloseCodes.GOING_AWAY, "server shutdown");
            }
        }
        if (probing != null) {
            probing.abort();
        }
        LOG.fine(() -> "Realtime engine.io session " + sid + " closed: " + reason);
        if (handler != null) {
            handler.onClose(reason);
        }
    }
}
