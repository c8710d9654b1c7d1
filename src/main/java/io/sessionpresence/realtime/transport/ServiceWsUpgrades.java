package io.sessionpresence.realtime.transport;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import io.helidon.common.Weight;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.socket.SocketWriterException;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Method;
import io.helidon.http.NotFoundException;
import io.helidon.http.RequestException;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRoute;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.webserver.websocket.WsUpgradeProvider;
import io.helidon.webserver.websocket.WsUpgrader;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsUpgradeException;

/**
 * The WebSocket upgrade, for {@code /ws} and {@code /socket.io} alike: Helidon's handshake (its
 * checks, its accept hash, the listener's {@code onHttpUpgrade}), then a
 * {@link CheckedWsConnection} instead of Helidon's connection. Helidon finds upgrade providers
 * with its service loader, heaviest first, and keeps the first for each protocol: this one is
 * listed in {@code META-INF/services} and outweighs Helidon's own. What differs from Helidon's:
 * <ul>
 * <li>No Origin check of Helidon's: since 4.5 it refuses any Origin outside a fixed list
 *     ({@code server.protocols.websocket.origins}), or without a list any but the request's own
 *     host, which cannot express this service's rule (any origin while {@code cors.allowed-origins}
 *     is unset; that list and the service's own origin when set). Each endpoint's
 *     {@code onHttpUpgrade} applies that rule ({@code http.Origins}) to every upgrade.</li>
 * <li>The connection keeps the rules of RFC 6455 Helidon's does not ({@link CheckedWsConnection}).</li>
 * <li>Every write on the upgraded socket goes through a {@link FrameGate}: one at a time, and
 *     none after the first close frame.</li>
 * </ul>
 */
@Weight(200)
public final class ServiceWsUpgrades extends WsUpgradeProvider {
    /** For Helidon's service loader. */
    public ServiceWsUpgrades() {
    }

    @Override
    public Http1Upgrader create(WsConfig config, ProtocolConfigs configs) {
        return new Upgrader(config);
    }

    private static final class Upgrader extends WsUpgrader {
        private static final byte[] SWITCHING = "HTTP/1.1 101 Switching Protocols\r\n".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] END_OF_HEADERS = "\r\n".getBytes(StandardCharsets.US_ASCII);

        private final int maxFrameLength;

        Upgrader(WsConfig config) {
            super(config);
            this.maxFrameLength = config.maxFrameLength();
        }

        @Override
        public ServerConnection upgrade(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
            WsRoute route;
            try {
                route = ctx.router().routing(WsRouting.class, WsRouting.empty()).findRoute(prologue);
            } catch (NotFoundException e) {
                return null;
            }
            if (prologue.method() != Method.GET) {
                throw badRequest("WebSocket upgrade must use GET").build();
            }
            String key = headers.first(WS_KEY).orElseThrow(() -> badRequest("Missing Sec-WebSocket-Key header").build());
            if (!SUPPORTED_VERSION.equals(headers.first(WS_VERSION).orElse(SUPPORTED_VERSION))) {
                throw badRequest("Unsupported WebSocket Version").header(SUPPORTED_VERSION_HEADER).build();
            }
            // Before the listener hears of the upgrade: a key that is not 16 bytes is a 400.
            String accept = hash(ctx, key);
            WsListener listener = route.listener();
            Optional<Headers> upgradeHeaders;
            try {
                upgradeHeaders = listener.onHttpUpgrade(prologue, headers);
            } catch (WsUpgradeException e) {
                return null;
            }
            ServerResponseHeaders response = ServerResponseHeaders.create();
            upgradeHeaders.ifPresent(response::from);
            response.set(HeaderValues.create(HeaderNames.CONNECTION, "Upgrade"));
            response.set(HeaderValues.create(HeaderNames.UPGRADE, "websocket"));
            response.set(HeaderValues.create("Sec-WebSocket-Accept", accept));
            BufferData switching = BufferData.growing(256);
            switching.write(SWITCHING);
            response.forEach(header -> header.writeHttp1Header(switching));
            switching.write(END_OF_HEADERS);
            GatedContext gated = new GatedContext(ctx);
            try {
                gated.dataWriter().writeNow(switching);
            } catch (SocketWriterException | UncheckedIOException e) {
                throw new ServerConnectionException("Failed to write the WebSocket upgrade response", e);
            }
            return new CheckedWsConnection(gated, prologue, upgradeHeaders.flatMap(h -> h.first(PROTOCOL)),
                    listener, maxFrameLength);
        }

        private static RequestException.Builder badRequest(String message) {
            return RequestException.builder().type(DirectHandler.EventType.BAD_REQUEST).message(message);
        }
    }
}
