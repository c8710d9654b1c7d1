package io.sessionpresence.realtime;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.sessionpresence.events.AdminEvent;
import io.sessionpresence.events.AdminEvents;
import io.sessionpresence.metrics.ServiceMetrics;

/**
 * This instance's {@code admin} room: the admin sockets connected here. Every admin event that
 * reaches this instance (from the Redis topic, or local expiry hooks) is delivered once to each
 * member by enqueueing on its connection, so a slow member delays nobody. With coalescing on,
 * presence events are folded into periodic {@code admin:presence:diff} messages instead.
 */
public final class AdminRoom {
    public static final String NAME = "admin";

    /** A member of the room. */
    public interface Member {
        void deliver(Emission emission);
    }

    private final Set<Member> members = ConcurrentHashMap.newKeySet();
    private final PresenceDiff diff;
    private final ServiceMetrics metrics;

    /** @param coalesce fold presence events into diffs sent by {@link #flush}, instead of one message each */
    AdminRoom(boolean coalesce, ServiceMetrics metrics) {
        this.diff = coalesce ? new PresenceDiff(this::broadcast) : null;
        this.metrics = metrics;
    }

    public void deliver(AdminEvent event) {
        metrics.adminEventsReceived().increment();
        if (members.isEmpty()) {
            return;
        }
        if (diff != null && AdminEvents.PRESENCE_UPDATE.equals(event.event())) {
            diff.add(event.data());
            return;
        }
        broadcast(new Emission(event.event(), event.data()));
    }

    /** Sends the presence diff collected since the last flush (coalescing only). */
    void flush() {
        if (diff != null) {
            diff.flush();
        }
    }

    private void broadcast(Emission emission) {
        int delivered = 0;
        for (Member member : members) {
            member.deliver(emission);
            delivered++;
        }
        metrics.adminEventsDelivered().increment(delivered);
    }

    void join(Member member) {
        members.add(member);
    }

    void leave(Member member) {
        members.remove(member);
    }
}
