package io.sessionpresence.events;

/**
 * Where services report what admins should see live. Implementations deliver to the
 * {@code admin} room of every instance, each admin socket receiving each event once; they never
 * block the caller on slow clients.
 */
public interface AdminEvents {
    String PRESENCE_UPDATE = "admin:presence:update";
    String SESSIONS_UPDATE = "admin:sessions:update";

    /** To the admin room of every instance sharing the store. */
    void publish(AdminEvent event);

    /**
     * To this instance's admin room only: for events every instance observes by itself (Redis
     * expiry notifications reach each subscribed instance), so that they are not delivered twice.
     */
    void publishLocal(AdminEvent event);

    AdminEvents NONE = new AdminEvents() {
        @Override
        public void publish(AdminEvent event) {
        }

        @Override
        public void publishLocal(AdminEvent event) {
        }
    };
}
