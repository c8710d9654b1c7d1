package io.sessionpresence.realtime;

/** How a {@link ConnectedClient} reaches its client, whatever the protocol. Never blocks. */
public interface Transport {
    /** Queues an event for the client. */
    void deliver(Emission emission);
}
