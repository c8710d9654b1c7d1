package io.sessionpresence.session;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A login session as stored (under the SHA-256 of its token, never the token itself).
 * Times are epoch milliseconds.
 *
 * @param sessionId    public id, safe to show in lists and admin views
 * @param userId       whose session it is
 * @param createdAt    when it was created
 * @param expiresAt    when it ends unless refreshed
 * @param lastActivity last create, refresh or tracked request
 * @param rememberMe   long-lived session
 * @param userAgent    User-Agent at creation
 * @param ip           client address at creation
 */
public record Session(
        @JsonProperty("session_id") String sessionId,
        @JsonProperty("user_id") String userId,
        @JsonProperty("created") long createdAt,
        @JsonProperty("expires_at") long expiresAt,
        @JsonProperty("last_activity") long lastActivity,
        @JsonProperty("remember_me") boolean rememberMe,
        @JsonProperty("user_agent") String userAgent,
        @JsonProperty("ip") String ip) {

    public Session withExpiry(long newExpiresAt, long now) {
        return new Session(sessionId, userId, createdAt, newExpiresAt, now, rememberMe, userAgent, ip);
    }

    public Session touched(long now) {
        return new Session(sessionId, userId, createdAt, expiresAt, now, rememberMe, userAgent, ip);
    }

    public long ttlMillis(long now) {
        return Math.max(1, expiresAt - now);
    }
}
