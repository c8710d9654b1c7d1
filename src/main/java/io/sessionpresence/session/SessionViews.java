package io.sessionpresence.session;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What each audience sees of a session; none of them ever holds the token or its hash. The
 * field names are the API's, kept from the backends this service replaces (the owner's list says
 * {@code user_agent}, the admin views and events say {@code ua}).
 */
public final class SessionViews {
    private SessionViews() {
    }

    /** The owner's view, in {@code GET /api/session/list}. */
    public record Owner(
            @JsonProperty("session_id") String sessionId,
            @JsonProperty("created") long created,
            @JsonProperty("last_activity") long lastActivity,
            @JsonProperty("expires_at") long expiresAt,
            @JsonProperty("user_agent") String userAgent,
            @JsonProperty("ip") String ip,
            @JsonProperty("remember_me") boolean rememberMe,
            @JsonProperty("current") boolean current) {

        public static Owner of(Session s, boolean current) {
            return new Owner(s.sessionId(), s.createdAt(), s.lastActivity(), s.expiresAt(), s.userAgent(), s.ip(),
                    s.rememberMe(), current);
        }
    }

    /** The admins' view, in the admin listings and the admin room's snapshot. */
    public record Admin(
            @JsonProperty("session_id") String sessionId,
            @JsonProperty("sid") String sid,
            @JsonProperty("user") String user,
            @JsonProperty("ip") String ip,
            @JsonProperty("ua") String ua,
            @JsonProperty("created") long created,
            @JsonProperty("expires_at") long expiresAt,
            @JsonProperty("last_activity") long lastActivity,
            @JsonProperty("remember_me") boolean rememberMe) {

        /** @param lastActivity the session's own, or a newer one from tracked activity */
        public static Admin of(Session s, long lastActivity) {
            return new Admin(s.sessionId(), s.sessionId(), s.userId(), s.ip(), s.userAgent(), s.createdAt(),
                    s.expiresAt(), lastActivity, s.rememberMe());
        }
    }

    /** The payload of an {@code admin:sessions:update} about one session: its type, then the admin view's fields. */
    public static Map<String, Object> event(String type, Session session) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("type", type);
        data.put("session_id", session.sessionId());
        data.put("sid", session.sessionId());
        data.put("user", session.userId());
        data.put("ip", session.ip());
        data.put("ua", session.userAgent());
        data.put("created", session.createdAt());
        data.put("expires_at", session.expiresAt());
        data.put("last_activity", session.lastActivity());
        return data;
    }
}
