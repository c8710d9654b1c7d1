package io.sessionpresence.realtime;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.helidon.config.Config;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.websocket.WsRouting;
import io.sessionpresence.admin.SessionTerminator;
import io.sessionpresence.auth.AdminAuth;
import io.sessionpresence.events.AdminEvent;
import io.sessionpresence.http.ClientInfo;
import io.sessionpresence.presence.PresenceService;
import io.sessionpresence.realtime.engineio.EngineIo;
import io.sessionpresence.realtime.socketio.SioConnection;
import io.sessionpresence.session.SessionService;

/**
 * The realtime side of the service, wired in two steps because the services need the admin
 * events and the sockets need the services: {@link #create} (this instance's admin room, which
 * {@link #deliver} feeds with every admin event that reaches the instance), then {@link #serve}
 * (the {@code /socket.io/} and {@code /ws} endpoints, on the HTTP port). One timer thread drives every heartbeat, connect
 * timeout and coalescing flush; its tasks only enqueue or flag, never block.
 */
public final class Realtime implements AutoCloseable {
    public static final String SOCKET_IO_PATH = "/socket.io/";
    public static final String WEBSOCKET_PATH = "/ws";

    private final RealtimeSettings settings;
    private final ScheduledThreadPoolExecutor timers;
    private final AdminRoom room;
    private EngineIo engine;

    private Realtime(RealtimeSettings settings) {
        this.settings = settings;
        this.timers = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("realtime-timers").factory());
        timers.setRemoveOnCancelPolicy(true);
        this.room = new AdminRoom(settings.coalesceMs() > 0);
        if (settings.coalesceMs() > 0) {
            timers.scheduleAtFixedRate(room::flush, settings.coalesceMs(), settings.coalesceMs(), TimeUnit.MILLISECONDS);
        }
    }

    public static Realtime create(Config config) {
        return new Realtime(RealtimeSettings.from(config));
    }

    /** Delivers an admin event that reached this instance to its admin room. */
    public void deliver(AdminEvent event) {
        room.deliver(event);
    }

    /**
     * Registers the Engine.IO long-polling handler on {@code routing} and returns the WebSocket
     * routing ({@code /socket.io/} and {@code /ws}) to add to the server.
     */
    public WsRouting.Builder serve(HttpRouting.Builder routing, SessionService sessions, PresenceService presence,
                                   SessionTerminator terminator, AdminAuth adminAuth, ClientInfo clients) {
        Gateway gateway = new Gateway(sessions, presence, terminator, adminAuth, room,
                new AdminSnapshot(presence, sessions, settings.snapshotLimit()), settings.queueSize());
        engine = new EngineIo(settings.engineIo(), timers, clients,
                socket -> new SioConnection(socket, gateway, timers, settings.connectTimeoutMs()));
        routing.any(SOCKET_IO_PATH, engine::handle);
        return WsRouting.builder()
                .endpoint(SOCKET_IO_PATH, engine::newWebSocketListener)
                .endpoint(WEBSOCKET_PATH, () -> new WebSocketClient(gateway, settings, timers, clients));
    }

    @Override
    public void close() {
        if (engine != null) {
            engine.closeAll();
        }
        timers.shutdownNow();
    }
}
