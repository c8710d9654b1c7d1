package io.sessionpresence.realtime;

/** Admin events for a single instance (memory store): straight to this instance's room. */
final class LocalAdminEvents implements AdminEvents {
    private final AdminRoom room;

    LocalAdminEvents(AdminRoom room) {
        this.room = room;
    }

    @Override
    public void publish(AdminEvent event) {
        room.deliver(event);
    }

    @Override
    public void publishLocal(AdminEvent event) {
        room.deliver(event);
    }
}
