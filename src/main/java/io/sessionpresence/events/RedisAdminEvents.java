package io.sessionpresence.events;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.sessionpresence.logging.LogLimiter;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.BaseStatusListener;
import org.redisson.client.codec.StringCodec;

/**
 * Admin events across instances sharing one Redis: every instance, this one included, listens on
 * each shard's events channel ({@code store.RedisKeys#events}: classic pub/sub on one server,
 * sharded pub/sub, SSUBSCRIBE, on a Cluster, so each event goes to the one master of its shard
 * rather than to every node) and delivers what it receives (in the {@link AdminEventWire} format)
 * to its own admin room; an event is published on one channel, so each admin socket gets each
 * event exactly once, whatever the number of instances. {@link #publish} uses the first channel. {@link #publishLocal} events (expiry
 * notifications, which every instance observes by itself) never touch the channel. Presence and
 * activity writes publish their event on the same channel, in the same JSON, from inside their
 * write script ({@code store.RedisExpiringEntries}), so it reaches here like any other.
 */
public final class RedisAdminEvents implements AdminEvents, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RedisAdminEvents.class.getName());
    /** Publishing fails for every event while Redis is away: counted, not one line each. */
    private final LogLimiter log = new LogLimiter(LOG);

    private final List<Subscription> subscriptions = new ArrayList<>();
    private final Consumer<AdminEvent> room;

    /** A channel's topic and this instance's two listeners on it. */
    private record Subscription(RTopic topic, int statusListener, int messageListener) {
    }

    /**
     * @param channels   the channels every instance sharing the store listens on, one per shard
     * @param sharded    sharded pub/sub (a Redis Cluster) rather than classic
     * @param room       delivers an event to this instance's admin sockets
     * @param subscribed runs each time a subscription is made, again after a lost connection
     */
    public RedisAdminEvents(RedissonClient redis, List<String> channels, boolean sharded, Consumer<AdminEvent> room,
                            Runnable subscribed) {
        this.room = room;
        for (String channel : channels) {
            RTopic topic = sharded ? redis.getShardedTopic(channel, StringCodec.INSTANCE) : redis.getTopic(channel, StringCodec.INSTANCE);
            int status = topic.addListener(new BaseStatusListener() {
                @Override
                public void onSubscribe(String ch) {
                    subscribed.run();
                }
            });
            subscriptions.add(new Subscription(topic, status, topic.addListener(String.class, (ch, message) -> receive(message))));
        }
    }

    @Override
    public void publish(AdminEvent event) {
        subscriptions.getFirst().topic().publishAsync(AdminEventWire.encode(event)).whenComplete((receivers, failure) -> {
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
        subscriptions.forEach(s -> s.topic().removeListener(s.statusListener(), s.messageListener()));
    }
}
