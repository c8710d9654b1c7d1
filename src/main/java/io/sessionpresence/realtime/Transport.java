package io.sessionpresence.realtime;

import io.sessionpresence.metrics.Channel;

/** How a {@link ConnectedClient} reaches its client, whatever the protocol. Never blocks. */
public interface Transport {
    /** The protocol, as the meters split by it name it. */
    Channel channel();

    /** Queues an event for the client. */
    void deliver(Emission emission);

    /**
     * Ends the connection from the server side because its session ended: {@code farewell} (the
     * {@code session_ended} event) goes out after what is already queued, and nothing after it;
     * then the protocol's own close follows ({@code /ws}: close code 4001 with {@code reason};
     * Socket.IO: a DISCONNECT packet, which the client reports as "io server disconnect" and does
     * not reconnect from, then the Engine.IO session closes).
     */
    void disconnect(Emission farewell, String reason);

    /**
     * Ends the connection from the server side because the client broke a rule (it kept sending
     * over its message limit): {@code error} goes out after what is queued, then the protocol's
     * close ({@code /ws}: 1008 with {@code reason}; Socket.IO: DISCONNECT, then the Engine.IO
     * session closes).
     */
    void expel(Emission error, String reason);
}
