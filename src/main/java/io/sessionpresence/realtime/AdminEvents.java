package io.sessionpresence.realtime;

import java.util.Map;

/**
 * Where services report what admins should see live: presence and session changes. The
 * realtime layer delivers them to the {@code admin} room of every instance.
 */
public interface AdminEvents {
    String PRESENCE_UPDATE = "admin:presence:update";
    String SESSIONS_UPDATE = "admin:sessions:update";

    /** An event for the admin room; must not block the caller on slow clients. */
    void publish(String event, Map<String, Object> data);

    AdminEvents NONE = (event, data) -> {
    };
}
