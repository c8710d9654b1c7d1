package io.sessionpresence.metrics;

/** The way a client reached the service: the {@code transport} label of the meters split by it. */
public enum Channel {
    HTTP("http"),
    /** The plain WebSocket endpoint {@code /ws}. */
    WS("ws"),
    /** Socket.IO, over either Engine.IO transport (WebSocket or long-polling). */
    SOCKETIO("socketio");

    private final String label;

    Channel(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
