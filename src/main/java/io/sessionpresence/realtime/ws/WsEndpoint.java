package io.sessionpresence.realtime.ws;

import io.helidon.websocket.WsListener;
import io.sessionpresence.http.ClientInfo;
import io.sessionpresence.http.Origins;
import io.sessionpresence.realtime.Gateway;
import io.sessionpresence.realtime.Realtime;

/** The plain WebSocket endpoint {@code /ws}: one {@link WsConnection} per upgrade. */
public final class WsEndpoint {
    public static final String PATH = "/ws";

    private final Realtime realtime;
    private final Gateway gateway;
    private final ClientInfo clients;
    private final Origins origins;

    public WsEndpoint(Realtime realtime, Gateway gateway, ClientInfo clients, Origins origins) {
        this.realtime = realtime;
        this.gateway = gateway;
        this.clients = clients;
        this.origins = origins;
    }

    public WsListener newConnection() {
        return new WsConnection(gateway, realtime.settings(), realtime.timers(), clients, origins);
    }
}
