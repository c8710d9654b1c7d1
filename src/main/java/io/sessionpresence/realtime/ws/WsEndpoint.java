package io.sessionpresence.realtime.ws;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.helidon.websocket.WsListener;
import io.sessionpresence.http.ClientInfo;
import io.sessionpresence.http.Origins;
import io.sessionpresence.metrics.Channel;
import io.sessionpresence.realtime.Endpoint;
import io.sessionpresence.realtime.Gateway;
import io.sessionpresence.realtime.Realtime;

/**
 * The plain WebSocket endpoint {@code /ws}: one {@link WsConnection} per upgrade, each known here
 * while open so that a shutdown can close them with 1001 (going away).
 */
public final class WsEndpoint implements Endpoint {
    public static final String PATH = "/ws";

    private final Realtime realtime;
    private final Gateway gateway;
    private final ClientInfo clients;
    private final Origins origins;
    private final Set<WsConnection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean goingAway;

    public WsEndpoint(Realtime realtime, Gateway gateway, ClientInfo clients, Origins origins) {
        this.realtime = realtime;
        this.gateway = gateway;
        this.clients = clients;
        this.origins = origins;
    }

    public WsListener newConnection() {
        return new WsConnection(gateway, realtime.settings(), realtime.timers(), realtime.messageBuffers(),
                clients, origins, realtime.metrics().droppedMessages(Channel.WS), this);
    }

    /** Whether a connection opening now is to be closed at once (see {@link #goAway}). */
    boolean opened(WsConnection connection) {
        open.add(connection);
        // Read after the add: a goAway from here on finds the connection in the set.
        return !goingAway;
    }

    void closed(WsConnection connection) {
        open.remove(connection);
    }

    @Override
    public void goAway() {
        goingAway = true;
        List.copyOf(open).forEach(WsConnection::goAway);
    }

    @Override
    public int openWebSockets() {
        return open.size();
    }
}
