package io.sessionpresence.connections;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.helidon.common.task.InterruptableTask;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.spi.ServerConnection;

/**
 * Ends an HTTP/1 connection once a response saying {@code Connection: close} has been written
 * (the request asked for it, or a graceful shutdown is draining): Helidon 4.5 sends that header
 * and then waits on the connection for another request, until its idle timeout. As a listener of
 * the request headers Helidon reads and of the response headers a handler set, it asks the
 * connection to stop after this exchange, which it does once the response is out.
 */
final class CloseAfterResponse implements Http1ConnectionListener {
    private final Map<ConnectionContext, ServerConnection> connections = new ConcurrentHashMap<>();

    void opened(ConnectionContext ctx, ServerConnection http1) {
        connections.put(ctx, http1);
    }

    void closed(ConnectionContext ctx) {
        connections.remove(ctx);
    }

    /**
     * Request headers as read, or response headers as set by the routes (Helidon adds its own
     * {@code Connection: close} after this call), in the connection's own thread.
     */
    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        if (headers.containsToken(HeaderValues.CONNECTION_CLOSE)) {
            ServerConnection http1 = connections.get(ctx);
            // Not while it still counts as reading a request line (an error answered from there,
            // such as HTTP/1.0's 505, which Helidon closes by itself): close(false) would then
            // interrupt this very thread, which is writing the answer.
            if (http1 instanceof InterruptableTask<?> task && !task.canInterrupt()) {
                http1.close(false);
            }
        }
    }
}
