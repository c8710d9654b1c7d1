package io.sessionpresence.events;

import java.util.function.Consumer;

/** Admin events for a single instance (memory store): straight to this instance's admin room. */
public final class LocalAdminEvents implements AdminEvents {
    private final Consumer<AdminEvent> room;

    /** @param room delivers an event to this instance's admin sockets */
    public LocalAdminEvents(Consumer<AdminEvent> room) {
        this.room = room;
    }

    @Override
    public void publish(AdminEvent event) {
        room.accept(event);
    }

    @Override
    public void publishLocal(AdminEvent event) {
        room.accept(event);
    }
}
