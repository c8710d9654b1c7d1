package io.sessionpresence.realtime.engineio;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.metrics.api.Counter;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.websocket.WsListener;
import io.sessionpresence.http.BaseUrl;
import io.sessionpresence.http.ClientInfo;
import io.sessionpresence.http.HttpJson;
import io.sessionpresence.http.Origins;
import io.sessionpresence.http.TooManyRequests;
import io.sessionpresence.json.Json;
import io.sessionpresence.realtime.transport.MessageBuffers;
import io.sessionpresence.realtime.transport.WsChannel;
import io.sessionpresence.store.ConnectionOwners;

/**
 * The Engine.IO v4 server: the sessions of this instance, the long-polling endpoint and the
 * WebSocket listeners (both on the same path, e.g. {@code /socket.io/}). What each session
 * carries is up to the {@link EioHandler} the factory makes for it. With an advertised address,
 * a poll or post for a session another instance holds is forwarded there ({@link PollForwarding});
 * a WebSocket upgrade for one is refused (the client keeps polling).
 */
public final class EngineIo {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final EioSettings settings;
    private final ScheduledExecutorService timers;
    private final ClientInfo clients;
    private final Origins origins;
    private final Function<EioSocket, EioHandler> handlers;
    private final Consumer<String> admission;
    private final Counter dropped;
    private final Optional<PollForwarding> forwarding;
    private final Map<String, EioSocket> sockets = new ConcurrentHashMap<>();
    private final Set<EioWsListener> openWebSockets = ConcurrentHashMap.newKeySet();
    private final MessageBuffers messageBuffers;
    private volatile boolean goingAway;

    /**
     * @param messageBuffers where a WebSocket message that arrives in several frames is assembled,
     *                       and the budget a long-polling POST's body is held against
     * @param origins        who may open a WebSocket here (long-polling requests are checked by its HTTP filter)
     * @param admission      counts each handshake against its client address; throws {@link TooManyRequests}
     *                       to refuse it (a session costs memory and timers before any packet is read)
     * @param dropped        counts the packets dropped for sessions whose client falls behind
     * @param self           {@code realtime.advertise-url}: when present, this instance records the long-polling
     *                       sessions it holds in {@code owners} under this address, and forwards polls for
     *                       sessions held elsewhere ({@link PollForwarding})
     * @param path           the Engine.IO path, the same on every instance
     */
    public EngineIo(EioSettings settings, ScheduledExecutorService timers, MessageBuffers messageBuffers,
                    ClientInfo clients, Origins origins, Function<EioSocket, EioHandler> handlers,
                    Consumer<String> admission, Counter dropped, Optional<BaseUrl> self, ConnectionOwners owners,
                    String path) {
        this.settings = settings;
        this.timers = timers;
        this.messageBuffers = messageBuffers;
        this.clients = clients;
        this.origins = origins;
        this.handlers = handlers;
        this.admission = admission;
        this.dropped = dropped;
        this.forwarding = self.map(url -> new PollForwarding(url, owners, path, settings));
    }

    Origins origins() {
        return origins;
    }

    EioSettings settings() {
        return settings;
    }

    ScheduledExecutorService timers() {
        return timers;
    }

    Counter dropped() {
        return dropped;
    }

    ClientInfo clients() {
        return clients;
    }

    /** A listener for one new WebSocket connection on the Engine.IO path. */
    public WsListener newWebSocketListener() {
        return new EioWsListener(this, messageBuffers);
    }

    /**
     * Opens a session: long-polling when {@code ws} is null, else WebSocket-only.
     *
     * @throws TooManyRequests when the client's address has opened too many
     */
    EioSocket open(Handshake handshake, WsChannel ws) {
        admission.accept(handshake.ip());
        String sid = randomId();
        if (ws == null) {
            // Before anything exists here: a store that does not answer fails the handshake (503).
            forwarding.ifPresent(f -> f.opened(sid));
        }
        EioSocket socket = new EioSocket(sid, this, handshake, ws);
        sockets.put(sid, socket);
        socket.start(handlers.apply(socket), openPacket(sid, ws == null));
        // Read after the put: a goAway from here on finds the session in the map.
        if (goingAway) {
            socket.goAway();
        }
        return socket;
    }

    /** The live session with this id; one whose pong is overdue is closed now, as the timer is about to. */
    Optional<EioSocket> find(String sid) {
        EioSocket socket = sockets.get(sid);
        if (socket != null && socket.closeIfPongOverdue()) {
            return Optional.empty();
        }
        return Optional.ofNullable(socket);
    }

    /** The session's id is unknown here from now on, and so, for polling sessions, to every instance. */
    void remove(EioSocket socket) {
        if (sockets.remove(socket.sid(), socket) && socket.openedPolling()) {
            forwarding.ifPresent(f -> f.closed(socket.sid()));
        }
    }

    /** A polling session is still held here (called at each of its pings, on the timer thread: never blocks). */
    void stillHeld(EioSocket socket) {
        forwarding.ifPresent(f -> f.stillHeld(socket.sid()));
    }

    /**
     * Server shutdown: closes every session with going-away, as the reference server's close
     * does (a WebSocket gets close 1001, a long-poll the close packet; no Socket.IO DISCONNECT),
     * so that socket.io-client reconnects; sessions opened from now on are closed the same way.
     */
    public void goAway() {
        goingAway = true;
        List.copyOf(sockets.values()).forEach(EioSocket::goAway);
    }

    /** WebSocket connections on the path whose client has not closed them. */
    public int openWebSockets() {
        return openWebSockets.size();
    }

    void opened(EioWsListener listener) {
        openWebSockets.add(listener);
    }

    void closed(EioWsListener listener) {
        openWebSockets.remove(listener);
    }

    /** After {@link #goAway}: releases the client that forwards polls to other instances. */
    public void close() {
        forwarding.ifPresent(PollForwarding::close);
    }

    private String openPacket(String sid, boolean canUpgrade) {
        Map<String, Object> open = new LinkedHashMap<>();
        open.put("sid", sid);
        open.put("upgrades", canUpgrade ? List.of("websocket") : List.of());
        open.put("pingInterval", settings.pingIntervalMs());
        open.put("pingTimeout", settings.pingTimeoutMs());
        open.put("maxPayload", settings.maxPayload());
        return EioPacket.Type.OPEN.code() + Json.writeString(open);
    }

    /** A random 20-character URL-safe id, like the reference server's session ids. */
    public static String randomId() {
        byte[] bytes = new byte[15];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    // ---- long-polling (and every request on the path that is not a WebSocket upgrade)

    /** Handles GET/POST on the Engine.IO path: handshake, poll, push. */
    public void handle(ServerRequest req, ServerResponse res) {
        try {
            PollAnswer answer = dispatch(req);
            res.status(Status.create(answer.status()));
            res.header(HeaderValues.create(HeaderNames.CONTENT_TYPE, answer.contentType()));
            res.header(HeaderValues.CACHE_NO_CACHE);
            res.send(answer.body());
        } catch (EioRequestException e) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("code", e.code());
            error.put("message", e.getMessage());
            HttpJson.send(res, e.status(), error);
        }
    }

    /**
     * A long-polling POST, of up to the {@code maxPayload} the handshake announces (the server's
     * body limit is raised to it in {@code Main}; the JSON routes keep their own). A longer one is
     * answered 413 and the session goes on, as with the reference server. What the body
     * may hold is first taken from the budget of unfinished messages, 3 bytes per byte (the bytes,
     * then up to 2 per character), so that clients posting 1 MB at once get a 503 instead of
     * filling the heap.
     */
    private void post(EioSocket socket, ServerRequest req) throws EioRequestException {
        long most = settings.maxPayload() + 1L;
        long held = 3 * Math.min(most, req.headers().contentLength().orElse(most));
        if (!messageBuffers.reserve(held)) {
            throw new EioRequestException(EioRequestException.BAD_REQUEST, "Server busy, try again", 503);
        }
        try {
            socket.post(HttpJson.readBody(req, settings.maxPayload()));
        } finally {
            messageBuffers.release(held);
        }
    }

    private PollAnswer dispatch(ServerRequest req) throws EioRequestException {
        var query = req.query();
        if (!"4".equals(query.first("EIO").orElse(""))) {
            throw new EioRequestException(EioRequestException.UNSUPPORTED_PROTOCOL_VERSION,
                    "Unsupported protocol version");
        }
        if (!"polling".equals(query.first("transport").orElse(""))) {
            throw new EioRequestException(EioRequestException.TRANSPORT_UNKNOWN, "Transport unknown");
        }
        Method method = req.prologue().method();
        Optional<String> sid = query.first("sid").asOptional();
        if (sid.isEmpty()) {
            if (!method.equals(Method.GET)) {
                throw new EioRequestException(EioRequestException.BAD_HANDSHAKE_METHOD, "Bad handshake method");
            }
            Handshake handshake = new Handshake(clients.ip(req), req.headers());
            return PollAnswer.text(open(handshake, null).poll());
        }
        Optional<EioSocket> found = find(sid.get());
        if (found.isEmpty()) {
            return forwarding.flatMap(f -> f.forward(sid.get(), req)).orElseThrow(() ->
                    new EioRequestException(EioRequestException.UNKNOWN_SID, "Session ID unknown"));
        }
        EioSocket socket = found.get();
        if (method.equals(Method.GET)) {
            return PollAnswer.text(socket.poll());
        }
        if (method.equals(Method.POST)) {
            post(socket, req);
            return PollAnswer.text("ok");
        }
        throw new EioRequestException(EioRequestException.BAD_REQUEST, "Bad request");
    }
}
