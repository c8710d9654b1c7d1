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
import io.sessionpresence.presence.PresenceService;
import io.sessionpresence.realtime.transport.MessageBuffers;
import io.sessionpresence.session.SessionService;

/**
 * The protocol-independent core of the realtime side, created before the services because they
 * need the admin events and the sockets need the services: this instance's admin room and its
 * sockets by session (which {@link #deliver} feeds with every admin event that reaches the
 * instance: the room relays them, the index ends the sockets of sessions that ended), the
 * {@link Gateway} every connection enters through, and the timers. The endpoints ({@code socketio}, {@code ws})
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
    private final List<AutoCloseable> endpoints = new CopyOnWriteArrayList<>();

    private Realtime(RealtimeSettings settings) {
        this.settings = settings;
        this.timers = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("realtime-timers").factory());
        timers.setRemoveOnCancelPolicy(true);
        this.messageBuffers = new MessageBuffers(settings.maxBufferedBytes(),
                Duration.ofMillis(settings.messageTimeoutMs()), timers);
        this.room = new AdminRoom(settings.coalesceMs() > 0);
        if (settings.coalesceMs() > 0) {
            timers.scheduleAtFixedRate(room::flush, settings.coalesceMs(), settings.coalesceMs(), TimeUnit.MILLISECONDS);
        }
    }

    public static Realtime create(Config config) {
        return new Realtime(RealtimeSettings.from(config));
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
    public Gateway gateway(SessionService sessions, PresenceService presence, SessionTerminator terminator,
                           AdminAuth adminAuth, Limits limits) {
        return new Gateway(sessions, presence, terminator, adminAuth, limits, room, sockets, timers,
                new AdminSnapshot(presence, sessions, settings.snapshotLimit()), settings.queueSize());
    }

    public RealtimeSettings settings() {
        return settings;
    }

    /** The one timer thread of every socket's heartbeat and timeouts; its tasks never block. */
    public ScheduledExecutorService timers() {
        return timers;
    }

    /** Where every socket assembles a message that arrives in several frames. */
    public MessageBuffers messageBuffers() {
        return messageBuffers;
    }

    /** Closes {@code endpoint} (its open connections) when this closes, before the timers stop. */
    public void closeWith(AutoCloseable endpoint) {
        endpoints.add(endpoint);
    }

    @Override
    public void close() {
        for (AutoCloseable endpoint : endpoints) {
            try {
                endpoint.close();
            } catch (Exception e) {
                LOG.warning("Closing " + endpoint.getClass().getSimpleName() + " failed: " + e);
            }
        }
        timers.shutdownNow();
    }
}
