package io.sessionpresence.realtime.engineio;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.websocket.WsListener;
import io.sessionpresence.http.ClientInfo;
import io.sessionpresence.http.HttpJson;
import io.sessionpresence.http.Origins;
import io.sessionpresence.json.Json;
import io.sessionpresence.realtime.transport.MessageBuffers;
import io.sessionpresence.realtime.transport.WsChannel;

/**
 * The Engine.IO v4 server: the sessions of this instance, the long-polling endpoint and the
 * WebSocket listeners (both on the same path, e.g. {@code /socket.io/}). What each session
 * carries is up to the {@link EioHandler} the factory makes for it.
 */
public final class EngineIo {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final EioSettings settings;
    private final ScheduledExecutorService timers;
    private final ClientInfo clients;
    private final Origins origins;
    private final Function<EioSocket, EioHandler> handlers;
    private final Map<String, EioSocket> sockets = new ConcurrentHashMap<>();
    private final MessageBuffers messageBuffers;

    /**
     * @param origins        who may open a WebSocket here (long-polling requests are checked by its HTTP filter)
     * @param messageBuffers where a WebSocket message that arrives in several frames is assembled
     */
    public EngineIo(EioSettings settings, ScheduledExecutorService timers, MessageBuffers messageBuffers,
                    ClientInfo clients, Origins origins, Function<EioSocket, EioHandler> handlers) {
        this.settings = settings;
        this.timers = timers;
        this.messageBuffers = messageBuffers;
        this.clients = clients;
        this.origins = origins;
        this.handlers = handlers;
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

    ClientInfo clients() {
        return clients;
    }

    /** A listener for one new WebSocket connection on the Engine.IO path. */
    public WsListener newWebSocketListener() {
        return new EioWsListener(this, messageBuffers);
    }

    /** Opens a session: long-polling when {@code ws} is null, else WebSocket-only. */
    EioSocket open(Handshake handshake, WsChannel ws) {
        String sid = randomId();
        EioSocket socket = new EioSocket(sid, this, handshake, ws);
        sockets.put(sid, socket);
        socket.start(handlers.apply(socket), openPacket(sid, ws == null));
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

    void remove(EioSocket socket) {
        sockets.remove(socket.sid(), socket);
    }

    /** Closes every session (server shutdown). */
    public void closeAll() {
        List.copyOf(sockets.values()).forEach(s -> s.close("server shutdown"));
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
            String body = dispatch(req);
            res.header(HeaderValues.create(HeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8"));
            res.header(HeaderValues.CACHE_NO_CACHE);
            res.send(body.getBytes(StandardCharsets.UTF_8));
        } catch (EioRequestException e) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("code", e.code());
            error.put("message", e.getMessage());
            HttpJson.send(res, e.status(), error);
        }
    }

    private String dispatch(ServerRequest req) throws EioRequestException {
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
            return open(handshake, null).poll();
        }
        EioSocket socket = find(sid.get()).orElseThrow(() ->
                new EioRequestException(EioRequestException.UNKNOWN_SID, "Session ID unknown"));
        if (method.equals(Method.GET)) {
            return socket.poll();
        }
        if (method.equals(Method.POST)) {
            socket.post(req.content().as(String.class));
            return "ok";
        }
        throw new EioRequestException(EioRequestException.BAD_REQUEST, "Bad request");
    }
}
