package io.sessionpresence.events;

import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.sessionpresence.logging.LogLimiter;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.BaseStatusListener;
import org.redisson.client.codec.StringCodec;

/**
 * Admin events across instances sharing one Redis: {@link #publish} goes out on the pub/sub
 * channel {@code <prefix>events} (in the {@link AdminEventWire} format), and every instance, this one
 * included, delivers what it receives there to its own admin room; so each admin socket gets each
 * event exactly once, whatever the number of instances. {@link #publishLocal} events (expiry
 * notifications, which every instance observes by itself) never touch the channel. Presence and
 * activity writes publish their event on the same channel, in the same JSON, from inside their
 * write script ({@code store.RedisExpiringEntries}), so it reaches here like any other.
 */
public final class RedisAdminEvents implements AdminEvents, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RedisAdminEvents.class.getName());
    /** Publishing fails for every event while Redis is away: counted, not one line each. */
    private final LogLimiter log = new LogLimiter(LOG);

    private final RTopic topic;
    private final Consumer<AdminEvent> room;
    private final int listenerId;
    private final int statusListenerId;

    /**
     * @param channel the pub/sub channel every instance sharing the store listens on
     * @param room    delivers an event to this instance's admin sockets
     * @param subscribed runs each time the subscription is made, again after a lost connection
     */
    public RedisAdminEvents(RedissonClient redis, String channel, Consumer<AdminEvent> room, Runnable subscribed) {
        this.topic = redis.getTopic(channel, StringCodec.INSTANCE);
        this.room = room;
        this.statusListenerId = topic.addListener(new BaseStatusListener() {
            @Override
            public void onSubscribe(String ch) {
                subscribed.run();
            }
        });
        this.listenerId = topic.addListener(String.class, (ch, message) -> receive(message));
    }

    @Override
    public void publish(AdminEvent event) {
        topic.publishAsync(AdminEventWire.encode(event)).whenComplete((receivers, failure) -> {
            if (failure != null) {
                log.log(Level.WARNING, "Admin events not published (" + failure.getClass().getSimpleName() + ")",
                        () -> "Admin event " + event.event() + " not published: " + failure.getClass().getSimpleName());
            }
        });
    }

    @Override
    public void publishLocal(AdminEvent event) {
        room.accept(event);
    }

    private void receive(String message) {
        AdminEvent event;
        try {
            event = AdminEventWire.decode(message);
        } catch (RuntimeException e) {
            log.log(Level.WARNING, "Ignored malformed messages on the admin events channel",
                    () -> "Ignored a malformed message on the admin events channel");
            return;
        }
        room.accept(event);
    }

    @Override
    public void close() {
        topic.removeListener(listenerId, statusListenerId);
    }
}
