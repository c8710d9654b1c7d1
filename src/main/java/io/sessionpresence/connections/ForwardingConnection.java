package io.sessionpresence.connections;

import java.time.Duration;

import io.helidon.webserver.spi.ServerConnection;

/** A server connection that wraps another and passes Helidon's idle check and close on to it. */
public interface ForwardingConnection extends ServerConnection {
    /** The wrapped connection. */
    ServerConnection connection();

    @Override
    default Duration idleTime() {
        return connection().idleTime();
    }

    @Override
    default void close(boolean interrupt) {
        connection().close(interrupt);
    }
}
