package io.sessionpresence.session;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.sessionpresence.events.AdminEvent;
import io.sessionpresence.events.AdminEvents;

/**
 * The {@code admin:sessions:update} events about sessions, as admins receive them. The stores
 * announce what they change (the Redis store from inside the script that changes it, in the same
 * round trip); {@link RedisSessionStore}'s scripts write {@link #terminated} and {@link #revoked}
 * in these exact fields, and the tests compare both stores' events.
 */
public final class SessionEvents {
    public static final String CREATED = "session_created";
    public static final String REFRESHED = "session_refreshed";
    public static final String EXPIRED = "session_expired";
    public static final String TERMINATED = "session_terminated";
    public static final String REVOKED = "sessions_revoked";

    private SessionEvents() {
    }

    /** {@code type} (created, refreshed, expired) with the admin view of {@code session}. */
    public static AdminEvent about(String type, Session session) {
        return new AdminEvent(AdminEvents.SESSIONS_UPDATE, SessionViews.event(type, session));
    }

    /** One session ended before its time, for {@code reason} (logout, revoked, admin, limit...). */
    public static AdminEvent terminated(String sessionId, String userId, String reason) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("type", TERMINATED);
        data.put("session_id", sessionId);
        data.put("sid", sessionId);
        data.put("user", userId);
        data.put("reason", reason);
        return new AdminEvent(AdminEvents.SESSIONS_UPDATE, data);
    }

    /** Every session of a user ended at once (logout-all, an admin's log-out-everywhere). */
    public static AdminEvent revoked(String userId, List<String> sessionIds, String reason) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("type", REVOKED);
        data.put("user", userId);
        data.put("count", sessionIds.size());
        data.put("session_ids", sessionIds);
        data.put("reason", reason);
        return new AdminEvent(AdminEvents.SESSIONS_UPDATE, data);
    }
}
