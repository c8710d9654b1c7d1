package io.sessionpresence.realtime.socketio;

import io.helidon.webserver.http.HttpRouting;
import io.helidon.websocket.WsListener;
import io.sessionpresence.http.ClientInfo;
import io.sessionpresence.http.Origins;
import io.sessionpresence.metrics.Channel;
import io.sessionpresence.realtime.Endpoint;
import io.sessionpresence.realtime.Gateway;
import io.sessionpresence.realtime.Realtime;
import io.sessionpresence.realtime.RealtimeSettings;
import io.sessionpresence.realtime.engineio.EioSettings;
import io.sessionpresence.realtime.engineio.EngineIo;

/**
 * Socket.IO v4 on {@code /socket.io/}: an Engine.IO server whose sessions each carry one
 * {@link SioConnection}. Long-polling requests go through the HTTP routing ({@link #route}),
 * WebSocket upgrades through {@link #newWebSocketListener}; {@link #goAway} ends every session.
 */
public final class SocketIoEndpoint implements Endpoint {
    public static final String PATH = "/socket.io/";

    private final EngineIo engine;

    private SocketIoEndpoint(EngineIo engine) {
        this.engine = engine;
    }

    public static SocketIoEndpoint create(Realtime realtime, Gateway gateway, ClientInfo clients, Origins origins) {
        RealtimeSettings settings = realtime.settings();
        EioSettings engineIo = new EioSettings(settings.pingIntervalMs(), settings.pingTimeoutMs(), settings.maxPayload(),
                settings.queueSize(), settings.overflow());
        return new SocketIoEndpoint(new EngineIo(engineIo, realtime.timers(), realtime.messageBuffers(), clients,
                origins, socket -> new SioConnection(socket, gateway, realtime.timers(), settings.connectTimeoutMs()),
                gateway::countHandshake, realtime.metrics().droppedMessages(Channel.SOCKETIO),
                settings.advertiseUrl(), realtime.connectionOwners(), PATH));
    }

    public void route(HttpRouting.Builder routing) {
        routing.any(PATH, engine::handle);
    }

    public WsListener newWebSocketListener() {
        return engine.newWebSocketListener();
    }

    @Override
    public void goAway() {
        engine.goAway();
    }

    @Override
    public int openWebSockets() {
        return engine.openWebSockets();
    }

    @Override
    public void close() {
        engine.close();
    }
}
