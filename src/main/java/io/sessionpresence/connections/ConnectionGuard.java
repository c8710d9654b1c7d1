package io.sessionpresence.connections;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

import com.sun.management.UnixOperatingSystemMXBean;
import io.helidon.common.task.InterruptableTask;
import io.helidon.config.Config;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpFeature;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.http1.Http1ConnectionProvider;
import io.helidon.webserver.spi.ServerConnectionSelector;
import io.helidon.webserver.websocket.WsConfig;
import io.sessionpresence.config.InvalidConfigException;
import io.sessionpresence.metrics.ServiceMetrics;

/**
 * Limits what Helidon 4.5 leaves unbounded on the HTTP listener.
 *
 * <p><b>Unfinished requests.</b> Helidon's idle timeout ({@code server.idle-connection-timeout})
 * closes a connection only while it waits for a request line (or is upgraded): once the request
 * line has arrived it merely marks the connection, and a client that then never finishes its
 * headers or its body holds it forever. This listener of Helidon's HTTP/1 parser gives each
 * request a deadline from its request line ({@link ConnectionSettings#headerTimeout}), then, if it
 * has a body, from its headers ({@link ConnectionSettings#bodyTimeout}: the body received and the
 * answer written); a watchdog interrupts the connection's thread past it, which closes its socket
 * (an interrupted blocking channel read closes the channel).
 *
 * <p><b>Connections.</b> Helidon bounds connections with a permit taken before each
 * {@code accept()}, so past its bound new clients wait in the kernel's accept queue, however
 * short their business. Here every accepted connection takes a slot instead
 * ({@link SlotSelector}): past {@code server.max-tcp-connections} in all, or
 * {@code connections.max-per-address} from one address, it is answered 503 (429) at once and
 * closed. Helidon's permits stay as the last bound, at the file descriptors left.
 *
 * <p><b>File descriptors.</b> Helidon's listener treats any failed {@code accept()} as fatal: at
 * the descriptor limit ({@code EMFILE}) it logs "Got a throwable while listening, this server
 * socket is terminating now", closes the port and never opens it again (its accept thread then
 * waits forever on its own stop, so no stop callback ever runs). {@link #bounds} keeps the
 * connections it accepts below that limit, and should the listener die anyway (another
 * {@code accept} error), that log record is the only sign: a handler on Helidon's listener logger
 * sees it and runs {@code onListenerDeath}, for a process without its port must exit so that its
 * supervisor starts a new one.
 */
public final class ConnectionGuard implements HttpFeature, Http1ConnectionListener {
    private static final Logger LOG = Logger.getLogger(ConnectionGuard.class.getName());
    private static final String HTTP1 = "http_1_1";
    private static final String HELIDON_LISTENER = "io.helidon.webserver.ServerListener";
    private static final String LISTENER_DIED = "this server socket is terminating now";
    private static final Duration MIN_CHECK_PERIOD = Duration.ofMillis(50);
    private static final Duration MAX_CHECK_PERIOD = Duration.ofSeconds(1);

    private final ConnectionSettings settings;
    private final Predicate<String> exempt;
    private final ServiceMetrics metrics;
    private final Runnable onListenerDeath;
    private final Duration checkPeriod;
    private final CloseAfterResponse closeAfterResponse = new CloseAfterResponse();
    private final Map<ConnectionContext, Deadline> deadlines = new ConcurrentHashMap<>();
    /** Held: JUL keeps loggers only weakly, and a collected logger loses its handlers. */
    private final Logger listenerLog = Logger.getLogger(HELIDON_LISTENER);
    private final Handler listenerDeath = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = record.getMessage();
            if (message != null && message.contains(LISTENER_DIED) && listenerDied.compareAndSet(false, true)) {
                onListenerDeath.run();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final AtomicBoolean listenerDied = new AtomicBoolean();
    private volatile Thread watchdog;

    /** The thread reading a request and when it must be done. */
    private record Deadline(Thread reader, long nanos, String phase) {
    }

    /**
     * @param exempt          client addresses without a bound of their own ({@code connections.max-per-address})
     * @param onListenerDeath run once if Helidon's listener stops by itself (not by {@code WebServer.stop})
     */
    public ConnectionGuard(ConnectionSettings settings, Predicate<String> exempt, ServiceMetrics metrics,
                           Runnable onListenerDeath) {
        this.settings = settings;
        this.exempt = exempt;
        this.metrics = metrics;
        this.onListenerDeath = onListenerDeath;
        Duration shortest = Stream.of(settings.headerTimeout(), settings.bodyTimeout(), SlotSelector.LINGER)
                .min(Comparator.naturalOrder()).orElseThrow();
        Duration quarter = shortest.dividedBy(4);
        this.checkPeriod = quarter.compareTo(MIN_CHECK_PERIOD) < 0 ? MIN_CHECK_PERIOD
                : quarter.compareTo(MAX_CHECK_PERIOD) > 0 ? MAX_CHECK_PERIOD : quarter;
    }

    /**
     * Applies the connection bounds and this request listener to the server being built: its
     * one connection selector is Helidon's HTTP/1 selector inside a {@link SlotSelector}.
     */
    public void configure(WebServerConfig.BuilderBase<?, ?> server, Config root) {
        Bounds bounds = bounds(root.get("server.max-tcp-connections").asInt().orElse(-1), descriptorLimit(),
                settings.descriptorReserve());
        server.maxTcpConnections(bounds.listener());
        // One address never holds more than half of what is left, whatever the descriptor limit.
        int perAddress = Math.min(settings.maxPerAddress(), Math.max(1, bounds.open() / 2));
        ConnectionSlots slots = new ConnectionSlots(bounds.open(), perAddress, exempt, metrics.openConnections());
        // One listener each way: Helidon 4.5 combines several into one that calls none of them.
        Http1Config http1 = Http1Config.builder().config(root.get("server.protocols." + HTTP1)).name(HTTP1)
                .addReceiveListener(this).addSendListener(closeAfterResponse).build();
        // Only the WebSocket upgrade's settings: an HTTP/1 protocol among the listener's own
        // would give it a second selector, and with two Helidon waits for a connection's first
        // bytes before choosing, so that its idle timeout never closes a silent connection.
        WsConfig websocket = WsConfig.builder().config(root.get("server.protocols.websocket")).build();
        ServerConnectionSelector selector = new Http1ConnectionProvider()
                .create(WebServer.DEFAULT_SOCKET_NAME, http1, ProtocolConfigs.create(List.of(websocket)));
        server.protocolsDiscoverServices(false)
                .protocols(List.of(websocket))
                .connectionSelectors(List.of(new SlotSelector(selector, slots, this, closeAfterResponse,
                        metrics.connectionsRefused(false), metrics.connectionsRefused(true))));
    }

    /**
     * @param listener Helidon's own bound (a permit taken before {@code accept}): the file
     *                 descriptors left for connections, {@code -1} when the limit is unknown
     * @param open     the bound past which a new connection is refused at once, below
     *                 {@code listener} so that refusing never waits for a permit
     */
    record Bounds(int listener, int open) {
    }

    /**
     * {@code configured} ({@code -1}: unlimited) as the bound on open connections, lowered so
     * that open connections plus {@code reserve} stay within {@code descriptorLimit}
     * ({@code ulimit -n}), when that is known, with a quarter of that room kept for the refusals.
     */
    static Bounds bounds(int configured, OptionalLong descriptorLimit, int reserve) {
        int wanted = configured == -1 ? Integer.MAX_VALUE : configured;
        if (descriptorLimit.isEmpty()) {
            return new Bounds(-1, wanted);
        }
        long room = descriptorLimit.getAsLong() - reserve;
        long open = room - room / 4;
        if (open < 1) {
            throw new InvalidConfigException("connections.descriptor-reserve", "(" + reserve
                    + ") leaves no file descriptor for connections: the process may open "
                    + descriptorLimit.getAsLong() + " (ulimit -n)");
        }
        int listener = (int) Math.min(room, Integer.MAX_VALUE);
        if (wanted <= open) {
            return new Bounds(listener, wanted);
        }
        LOG.warning("server.max-tcp-connections " + (configured == -1 ? "unlimited" : configured) + " lowered to "
                + open + ": the process may open " + descriptorLimit.getAsLong() + " files (ulimit -n), keeps "
                + reserve + " for other uses (connections.descriptor-reserve) and a quarter of the rest for refusing "
                + "connections; at the limit Helidon's listener would stop for good");
        return new Bounds(listener, (int) open);
    }

    private static OptionalLong descriptorLimit() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? OptionalLong.of(unix.getMaxFileDescriptorCount())
                : OptionalLong.empty();
    }

    @Override
    public void setup(HttpRouting.Builder routing) {
        // no routes: this feature is here for the server's start and stop
    }

    @Override
    public void afterStart(WebServer server) {
        listenerLog.addHandler(listenerDeath);
        watchdog = Thread.ofPlatform().daemon().name("connection-deadlines").start(this::watch);
    }

    @Override
    public void afterStop() {
        listenerLog.removeHandler(listenerDeath);
        Thread running = watchdog;
        if (running != null) {
            running.interrupt();
        }
    }

    // ---- Http1ConnectionListener: called in the connection's own thread

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        closeAfter(ctx, settings.headerTimeout(), "headers");
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        closeAfterResponse.headers(ctx, headers);
        if (headers.contains(HeaderNames.TRANSFER_ENCODING)
                || headers.first(HeaderNames.CONTENT_LENGTH).filter(length -> !length.trim().equals("0")).isPresent()) {
            closeAfter(ctx, settings.bodyTimeout(), "body");
        } else {
            forget(ctx);
        }
    }

    /** Closes {@code ctx}'s connection (interrupts the calling thread, its reader) past {@code within}, unless {@link #forget}. */
    void closeAfter(ConnectionContext ctx, Duration within, String phase) {
        deadlines.put(ctx, new Deadline(Thread.currentThread(), System.nanoTime() + within.toNanos(), phase));
    }

    void forget(ConnectionContext ctx) {
        deadlines.remove(ctx);
    }

    private void watch() {
        try {
            while (true) {
                Thread.sleep(checkPeriod);
                enforce(System.nanoTime());
            }
        } catch (InterruptedException e) {
            deadlines.clear();
        }
    }

    private void enforce(long now) {
        deadlines.forEach((ctx, deadline) -> {
            // Back to waiting for the next request line (or upgraded): Helidon's idle timeout
            // owns the connection again. A dead thread's connection is closed already.
            boolean waitingForRequest = ctx instanceof InterruptableTask<?> task && task.canInterrupt();
            if (waitingForRequest || !deadline.reader().isAlive()) {
                deadlines.remove(ctx, deadline);
            } else if (now - deadline.nanos() > 0 && deadlines.remove(ctx, deadline)) {
                LOG.fine(() -> "Closing a connection from " + ctx.remotePeer().address() + ": request "
                        + deadline.phase() + " not received in time");
                deadline.reader().interrupt();
            }
        });
    }
}
