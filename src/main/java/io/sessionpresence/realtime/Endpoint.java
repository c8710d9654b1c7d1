package io.sessionpresence.realtime;

/**
 * A realtime endpoint as {@link Realtime} sees it on shutdown: its connections are told the server
 * is going away, so that their clients reconnect, to another instance, at once.
 */
public interface Endpoint {
    /**
     * Closes every open connection with the protocol's going-away (WebSocket close 1001; an
     * Engine.IO close, never a Socket.IO DISCONNECT, after which socket.io-client would not
     * reconnect), and from now on every new one right after it opens. Never blocks.
     */
    void goAway();

    /** WebSocket connections whose client has not answered the close yet (or that are still open). */
    int openWebSockets();

    /** After {@link #goAway}: releases what the endpoint holds besides its connections. */
    default void close() {
    }
}
