package io.sessionpresence.realtime.ws;

import io.helidon.websocket.WsListener;
import io.sessionpresence.http.ClientInfo;
import io.sessionpresence.http.Origins;
import io.sessionpresence.realtime.Gateway;
import io.sessionpresence.realtime.Realtime;

/** The plain WebSocket endpoint {@code /ws}: one {@link WsConnection} per upgrade. */
public record WsEndpoint(Realtime realtime, Gateway gateway, ClientInfo clients, Origins origins) {
    public static final String PATH = "/ws";

    public WsListener newConnection() {
        return new WsConnection(gateway, realtime.settings(), realtime.timers(), realtime.messageBuffers(),
                clients, origins);
    }
}
