package io.sessionpresence.connections;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.task.InterruptableTask;
import io.helidon.metrics.api.Counter;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import io.sessionpresence.http.HttpJson;
import io.sessionpresence.json.Json;
import io.sessionpresence.logging.LogLimiter;

/**
 * Helidon's HTTP/1 connection selector with a slot per connection ({@link ConnectionSlots}): a
 * connection past the bounds is answered at once, 503 when the server is full and 429 when its
 * address is, and closed, where Helidon's own bound ({@code max-tcp-connections}, a permit taken
 * before {@code accept}) would leave it waiting in the kernel's accept queue. Helidon calls
 * {@link #connection} in the connection's own thread right after accepting it, before reading a
 * byte, so a client that sends nothing is refused as fast as one that does.
 */
final class SlotSelector implements ServerConnectionSelector {
    private static final Logger LOG = Logger.getLogger(SlotSelector.class.getName());
    /**
     * How long a refused connection stays open for the rest of its client's request: closing
     * over bytes not yet read resets the connection, and the client may lose the answer.
     */
    static final Duration LINGER = Duration.ofMillis(250);
    /**
     * Refused connections lingering at once, at most; past it one is closed as soon as its answer
     * is written. Each holds a descriptor, a virtual thread and ~10 KB of buffers (measured), so
     * a flood refused at thousands per second would otherwise fill a small heap.
     */
    private static final int MAX_LINGERING = 256;

    private final ServerConnectionSelector http1;
    private final ConnectionSlots slots;
    private final ConnectionGuard guard;
    private final CloseAfterResponse closeAfterResponse;
    private final Refusal serverFull;
    private final Refusal addressFull;
    private final LogLimiter log = new LogLimiter(LOG);
    private final Lingering lingering;

    /** The answer to a refused connection, what counts it and what logs it. */
    private record Refusal(byte[] response, Counter refused, String logKey, String logMessage) {
    }

    /**
     * The refusals lingering right now, and how many may: below {@link #MAX_LINGERING}, an eighth
     * of the open-connection bound. A lingering refusal also holds one of Helidon's permits, and
     * when a low descriptor limit leaves few of them, a flood whose refusals all linger waits for
     * its client to close each one, while every other client waits behind the flood in the
     * kernel's accept queue (measured at {@code ulimit -n 1024}).
     */
    private record Lingering(AtomicInteger now, int most) {
        /** Counts one more refusal; whether it may linger. Each must {@link #leave} after, either way. */
        boolean enter() {
            return now.incrementAndGet() <= most;
        }

        void leave() {
            now.decrementAndGet();
        }
    }

    SlotSelector(ServerConnectionSelector http1, ConnectionSlots slots, ConnectionGuard guard,
                 CloseAfterResponse closeAfterResponse, Counter serverFull, Counter addressFull) {
        this.http1 = http1;
        this.slots = slots;
        this.guard = guard;
        this.closeAfterResponse = closeAfterResponse;
        this.lingering = new Lingering(new AtomicInteger(), Math.min(MAX_LINGERING, Math.max(8, slots.maxOpen() / 8)));
        this.serverFull = new Refusal(response(503, "Service Unavailable", "Too many connections to this server, retry shortly"),
                serverFull, "Connections refused (server.max-tcp-connections)",
                "open connections reached server.max-tcp-connections (" + slots.maxOpen() + ")");
        this.addressFull = new Refusal(response(429, "Too Many Requests", "Too many connections from this address"),
                addressFull, "Connections refused (connections.max-per-address)",
                "open connections from one address reached connections.max-per-address (" + slots.maxPerAddress() + ")");
    }

    @Override
    public int bytesToIdentifyConnection() {
        return http1.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(BufferData data) {
        return http1.supports(data);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        InetAddress address = ((InetSocketAddress) ctx.remotePeer().address()).getAddress();
        return switch (slots.admit(address)) {
            case ConnectionSlots.Admitted admitted -> admitted(ctx, admitted);
            case ConnectionSlots.Refused refused -> refused(ctx, address, refused.perAddress() ? addressFull : serverFull);
        };
    }

    private ServerConnection admitted(ConnectionContext ctx, ConnectionSlots.Admitted admitted) {
        ServerConnection connection;
        try {
            connection = http1.connection(ctx);
        } catch (RuntimeException e) {
            slots.release(admitted);
            throw e;
        }
        closeAfterResponse.opened(ctx, connection);
        return new Counted(connection, () -> {
            closeAfterResponse.closed(ctx);
            slots.release(admitted);
        });
    }

    private ServerConnection refused(ConnectionContext ctx, InetAddress address, Refusal refusal) {
        refusal.refused().increment();
        log.log(Level.WARNING, refusal.logKey(),
                () -> "Refused a connection from " + address.getHostAddress() + ": " + refusal.logMessage());
        return new Refused(ctx, refusal.response(), guard, lingering);
    }

    private static byte[] response(int status, String reason, String message) {
        byte[] body = Json.write(HttpJson.error(status, message));
        String head = "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Retry-After: 1\r\n"
                + "Connection: close\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        bytes.writeBytes(body);
        return bytes.toByteArray();
    }

    /** Helidon's HTTP/1 connection, giving its slot back when it ends. */
    private record Counted(ServerConnection connection, Runnable release)
            implements ForwardingConnection, InterruptableTask<Void> {
        @Override
        public void handle(Limit limit) throws InterruptedException {
            try {
                connection.handle(limit);
            } finally {
                release.run();
            }
        }

        /** Helidon interrupts a connection only while it waits for a request, which the HTTP/1 connection knows. */
        @Override
        public boolean canInterrupt() {
            return connection instanceof InterruptableTask<?> task && task.canInterrupt();
        }
    }

    /**
     * Writes the refusal, then, unless as many others as may do already, reads whatever
     * the client sends until it closes or {@link #LINGER} has passed (the guard's watchdog then
     * closes the socket); Helidon closes it after.
     */
    private record Refused(ConnectionContext ctx, byte[] response, ConnectionGuard guard, Lingering lingering)
            implements ServerConnection {
        @Override
        public void handle(Limit limit) {
            boolean linger = lingering.enter();
            try {
                ctx.dataWriter().writeNow(BufferData.create(response));
                if (linger) {
                    guard.closeAfter(ctx, LINGER, "refused");
                    DataReader reader = ctx.dataReader();
                    while (true) {
                        reader.ensureAvailable();
                        reader.skip(reader.available());
                    }
                }
            } catch (RuntimeException e) {
                // the client closed, or the linger ended: either way the connection is done
            } finally {
                lingering.leave();
                guard.forget(ctx);
            }
        }

        @Override
        public Duration idleTime() {
            return Duration.ZERO;
        }

        @Override
        public void close(boolean interrupt) {
            ctx.serverSocket().close();
        }
    }
}
