package io.sessionpresence.realtime.transport;

import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.common.Weight;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsUpgradeProvider;
import io.helidon.webserver.websocket.WsUpgrader;
import io.sessionpresence.connections.ForwardingConnection;

/**
 * Helidon's WebSocket upgrade with two changes, for {@code /ws} and {@code /socket.io} alike.
 * Helidon finds upgrade providers with its service loader, heaviest first, and keeps the first
 * for each protocol: this one is listed in {@code META-INF/services} and outweighs Helidon's own.
 * <ul>
 * <li>No Origin check of Helidon's: since 4.5 it refuses any Origin outside a fixed list
 *     ({@code server.protocols.websocket.origins}), or without a list any but the request's own
 *     host, which cannot express this service's rule (any origin while {@code cors.allowed-origins}
 *     is unset; that list and the service's own origin when set). Each endpoint's
 *     {@code onHttpUpgrade} applies that rule ({@code http.Origins}) to every upgrade.</li>
 * <li>A frame with a reserved opcode (3-7, 11-15) fails the connection (RFC 6455 5.2): Helidon's
 *     frame reader throws {@code IllegalArgumentException} on it, which its HTTP/1 handler would
 *     answer by writing an HTTP 500 response onto the upgraded socket, with a stack trace in the
 *     log. The connection is closed instead; its listener is reaped by its heartbeat.</li>
 * <li>Every write on the upgraded socket goes through a {@link FrameGate}: one at a time, and
 *     none after the first close frame, Helidon's own included.</li>
 * </ul>
 */
@Weight(200)
public final class ServiceWsUpgrades extends WsUpgradeProvider {
    private static final Logger LOG = Logger.getLogger(ServiceWsUpgrades.class.getName());

    /** For Helidon's service loader. */
    public ServiceWsUpgrades() {
    }

    @Override
    public Http1Upgrader create(WsConfig config, ProtocolConfigs configs) {
        return new Upgrader(config);
    }

    private static final class Upgrader extends WsUpgrader {
        Upgrader(WsConfig config) {
            super(config);
        }

        @Override
        protected void validateOrigin(Headers headers, String origin) {
            // http.Origins decides, in the endpoints' onHttpUpgrade
        }

        @Override
        public ServerConnection upgrade(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
            ServerConnection upgraded = super.upgrade(new GatedContext(ctx), prologue, headers);
            return upgraded == null ? null : new ProtocolErrorGuard(upgraded);
        }
    }

    /** Ends the connection on the reader's {@code IllegalArgumentException} (a reserved opcode). */
    private record ProtocolErrorGuard(ServerConnection connection) implements ForwardingConnection {
        @Override
        public void handle(Semaphore requests) throws InterruptedException {
            try {
                connection.handle(requests);
            } catch (IllegalArgumentException e) {
                refused(e);
            }
        }

        @Override
        public void handle(Limit limit) throws InterruptedException {
            try {
                connection.handle(limit);
            } catch (IllegalArgumentException e) {
                refused(e);
            }
        }

        private static void refused(IllegalArgumentException e) {
            if (String.valueOf(e.getMessage()).contains("no OpCode")) {
                LOG.log(Level.FINE, () -> "WebSocket closed: " + e.getMessage());
            } else {
                LOG.log(Level.WARNING, "WebSocket closed on an unexpected error", e);
            }
        }
    }
}
