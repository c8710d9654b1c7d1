package io.sessionpresence.connections;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import com.sun.management.UnixOperatingSystemMXBean;
import io.helidon.common.task.InterruptableTask;
import io.helidon.config.Config;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpFeature;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.sessionpresence.config.InvalidConfigException;

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
 * <p><b>File descriptors.</b> Helidon's listener treats any failed {@code accept()} as fatal: at
 * the descriptor limit ({@code EMFILE}) it logs "Got a throwable while listening, this server
 * socket is terminating now", closes the port and never opens it again (its accept thread then
 * waits forever on its own stop, so no stop callback ever runs). {@link #maxTcpConnections} keeps
 * the connections it accepts below that limit ({@code server.max-tcp-connections} is a semaphore
 * taken before each accept), and should the listener die anyway (another {@code accept} error),
 * that log record is the only sign: a handler on Helidon's listener logger sees it and runs
 * {@code onListenerDeath}, for a process without its port must exit so that its supervisor
 * starts a new one.
 */
public final class ConnectionGuard implements HttpFeature, Http1ConnectionListener {
    private static final Logger LOG = Logger.getLogger(ConnectionGuard.class.getName());
    private static final String HTTP1 = "http_1_1";
    private static final String HELIDON_LISTENER = "io.helidon.webserver.ServerListener";
    private static final String LISTENER_DIED = "this server socket is terminating now";
    private static final Duration MIN_CHECK_PERIOD = Duration.ofMillis(50);
    private static final Duration MAX_CHECK_PERIOD = Duration.ofSeconds(1);

    private final ConnectionSettings settings;
    private final Runnable onListenerDeath;
    private final Duration checkPeriod;
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

    /** @param onListenerDeath run once if Helidon's listener stops by itself (not by {@code WebServer.stop}) */
    public ConnectionGuard(ConnectionSettings settings, Runnable onListenerDeath) {
        this.settings = settings;
        this.onListenerDeath = onListenerDeath;
        Duration shortest = settings.headerTimeout().compareTo(settings.bodyTimeout()) < 0
                ? settings.headerTimeout() : settings.bodyTimeout();
        Duration quarter = shortest.dividedBy(4);
        this.checkPeriod = quarter.compareTo(MIN_CHECK_PERIOD) < 0 ? MIN_CHECK_PERIOD
                : quarter.compareTo(MAX_CHECK_PERIOD) > 0 ? MAX_CHECK_PERIOD : quarter;
    }

    /** Applies the connection bound and this request listener to the server being built. */
    public void configure(WebServerConfig.BuilderBase<?, ?> server, Config root) {
        server.maxTcpConnections(maxTcpConnections(root.get("server.max-tcp-connections").asInt().orElse(-1),
                descriptorLimit(), settings.descriptorReserve()));
        // Named as Helidon names the HTTP/1 protocol it discovers ("http_1_1"), so that this one
        // replaces it: a second HTTP/1 protocol would make Helidon wait for a connection's first
        // bytes before tracking it, and its idle timeout would never close a silent connection.
        Config http1 = root.get("server.protocols." + HTTP1);
        server.addProtocol(Http1Config.builder().config(http1).name(HTTP1).addReceiveListener(this).build());
    }

    /**
     * {@code configured} ({@code -1}: unlimited), lowered so that accepted connections plus
     * {@code reserve} stay within {@code descriptorLimit} ({@code ulimit -n}), when that is known.
     */
    static int maxTcpConnections(int configured, OptionalLong descriptorLimit, int reserve) {
        if (descriptorLimit.isEmpty()) {
            return configured;
        }
        long room = descriptorLimit.getAsLong() - reserve;
        if (room < 1) {
            throw new InvalidConfigException("connections.descriptor-reserve", "(" + reserve
                    + ") leaves no file descriptor for connections: the process may open "
                    + descriptorLimit.getAsLong() + " (ulimit -n)");
        }
        if (configured != -1 && configured <= room) {
            return configured;
        }
        int lowered = (int) Math.min(room, Integer.MAX_VALUE);
        LOG.warning("server.max-tcp-connections " + (configured == -1 ? "unlimited" : configured) + " lowered to "
                + lowered + ": the process may open " + descriptorLimit.getAsLong() + " files (ulimit -n) and keeps "
                + reserve + " for other uses (connections.descriptor-reserve); at the limit Helidon's listener "
                + "would stop for good");
        return lowered;
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
        deadlines.put(ctx, new Deadline(Thread.currentThread(), System.nanoTime() + settings.headerTimeout().toNanos(),
                "headers"));
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        if (headers.contains(HeaderNames.TRANSFER_ENCODING)
                || headers.first(HeaderNames.CONTENT_LENGTH).filter(length -> !length.trim().equals("0")).isPresent()) {
            deadlines.put(ctx, new Deadline(Thread.currentThread(), System.nanoTime() + settings.bodyTimeout().toNanos(),
                    "body"));
        } else {
            deadlines.remove(ctx);
        }
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
