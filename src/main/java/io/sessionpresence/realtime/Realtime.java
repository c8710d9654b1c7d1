package io.sessionpresence.realtime;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import io.helidon.config.Config;
import io.sessionpresence.admin.SessionTerminator;
import io.sessionpresence.auth.AdminAuth;
import io.sessionpresence.events.AdminEvent;
import io.sessionpresence.limits.Limits;
import io.sessionpresence.metrics.ServiceMetrics;
import io.sessionpresence.presence.PresenceService;
import io.sessionpresence.realtime.transport.MessageBuffers;
import io.sessionpresence.session.SessionListings;
import io.sessionpresence.session.SessionService;
import io.sessionpresence.store.ConnectionOwners;

/**
 * The protocol-independent core of the realtime side, created before the services because they
 * need the admin events and the sockets need the services: this instance's admin room and its
 * sockets by session (which {@link #deliver} feeds with every admin event that reaches the
 * instance: the room relays them, the index ends the sockets of sessions that ended), the
 * {@link Gateway} every connection enters through, the timers, and the record of which instance
 * holds each long-polling connection. The endpoints ({@code socketio}, {@code ws})
 * are built on it by {@code Main.sockets}. One timer thread drives every heartbeat, connect
 * timeout and coalescing flush; its tasks only enqueue or flag, never block.
 */
public final class Realtime implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Realtime.class.getName());

    private final RealtimeSettings settings;
    private final ScheduledThreadPoolExecutor timers;
    private final MessageBuffers messageBuffers;
    private final AdminRoom room;
    private final SessionSockets sockets = new SessionSockets();
    private final List<Endpoint> endpoints = new CopyOnWriteArrayList<>();
    private final ServiceMetrics metrics;
    private final ConnectionOwners owners;

    private Realtime(RealtimeSettings settings, ServiceMetrics metrics, ConnectionOwners owners) {
        this.settings = settings;
        this.metrics = metrics;
        this.owners = owners;
        this.timers = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("realtime-timers").factory());
        timers.setRemoveOnCancelPolicy(true);
        this.messageBuffers = new MessageBuffers(settings.maxBufferedBytes(),
                Duration.ofMillis(settings.messageTimeoutMs()), timers);
        this.room = new AdminRoom(settings.coalesceMs() > 0, metrics);
        if (settings.coalesceMs() > 0) {
            timers.scheduleAtFixedRate(room::flush, settings.coalesceMs(), settings.coalesceMs(), TimeUnit.MILLISECONDS);
        }
    }

    /** @param owners where the instances record which of them holds each long-polling connection */
    public static Realtime create(Config config, ServiceMetrics metrics, ConnectionOwners owners) {
        return new Realtime(RealtimeSettings.from(config), metrics, owners);
    }

    /**
     * Delivers an admin event that reached this instance to its admin room, and ends the sockets
     * of a session it reports ended. Called on the thread that received the event: never blocks.
     */
    public void deliver(AdminEvent event) {
        sockets.onEvent(event);
        room.deliver(event);
    }

    /** The entry point of every realtime connection, whatever its protocol. */
    public Gateway gateway(SessionService sessions, SessionListings listings, PresenceService presence,
                           SessionTerminator terminator, AdminAuth adminAuth, Limits limits) {
        return new Gateway(sessions, presence, terminator, adminAuth, limits, room, sockets, timers,
                new AdminSnapshot(presence, listings, settings.snapshotLimit()), settings.queueSize(),
                settings.sessionRecheckMs(), metrics);
    }

    public RealtimeSettings settings() {
        return settings;
    }

    /** The meters the endpoints count their connections' dropped messages in. */
    public ServiceMetrics metrics() {
        return metrics;
    }

    /** Which instance holds each long-polling connection (the backend's; nothing on the memory store). */
    public ConnectionOwners connectionOwners() {
        return owners;
    }

    /** The one timer thread of every socket's heartbeat and timeouts; its tasks never block. */
    public ScheduledExecutorService timers() {
        return timers;
    }

    /** Where every socket assembles a message that arrives in several frames. */
    public MessageBuffers messageBuffers() {
        return messageBuffers;
    }

    /** Ends {@code endpoint}'s connections on {@link #goAway} and {@link #close}. */
    public void closeWith(Endpoint endpoint) {
        endpoints.add(endpoint);
    }

    /**
     * Tells every socket the server is going away ({@link Endpoint#goAway}) and waits up to
     * {@code wait} for their clients to answer the close: the server stops next, and stopping
     * cuts WebSockets without a close frame (the client would see 1006, not 1001). Idempotent.
     */
    public void goAway(Duration wait) {
        endpoints.forEach(Endpoint::goAway);
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (openWebSockets() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int left = openWebSockets();
        if (left > 0 && !wait.isZero()) {
            LOG.info(left + " WebSocket client(s) did not answer the going-away close within " + wait.toMillis() + " ms");
        }
    }

    private int openWebSockets() {
        return endpoints.stream().mapToInt(Endpoint::openWebSockets).sum();
    }

    /** Ends every socket ({@link #goAway} without waiting), closes the endpoints and stops the timers. */
    @Override
    public void close() {
        goAway(Duration.ZERO);
        endpoints.forEach(Endpoint::close);
        timers.shutdownNow();
    }
}
