package io.sessionpresence.session;

import io.helidon.config.Config;
import io.sessionpresence.config.Settings;

/**
 * Session lifetimes and limits, from the {@code session.*} keys.
 *
 * @param timeoutSeconds           lifetime of a normal session ({@code SESSION_TIMEOUT})
 * @param rememberMeTimeoutSeconds lifetime with remember-me ({@code REMEMBER_ME_TIMEOUT})
 * @param idleTimeoutSeconds       end a session unused this long; 0 = off
 * @param maxLifetimeSeconds       refreshes never extend past created + this; 0 = no cap
 * @param maxPerUser               live sessions per user; 0 = unlimited
 * @param limitPolicy              what happens at the limit
 */
public record SessionSettings(long timeoutSeconds,
                              long rememberMeTimeoutSeconds,
                              long idleTimeoutSeconds,
                              long maxLifetimeSeconds,
                              int maxPerUser,
                              LimitPolicy limitPolicy) {

    public static SessionSettings from(Config root) {
        return new SessionSettings(
                Settings.seconds(root, "session.timeout", 1),
                Settings.seconds(root, "session.remember-me-timeout", 1),
                Settings.seconds(root, "session.idle-timeout", 0),
                Settings.seconds(root, "session.max-lifetime", 0),
                Settings.intValue(root, "session.max-per-user", 0),
                LimitPolicy.parse(Settings.oneOf(root, "session.limit-policy", "reject-new", "evict-oldest")));
    }

    public long lifetimeMillis(boolean rememberMe) {
        return 1000 * (rememberMe ? rememberMeTimeoutSeconds : timeoutSeconds);
    }

    public long idleTimeoutMillis() {
        return idleTimeoutSeconds * 1000;
    }

    /** The latest expiry a session created at {@code createdAt} may have. */
    public long capExpiry(long createdAt, long expiresAt) {
        return maxLifetimeSeconds > 0 ? Math.min(expiresAt, createdAt + maxLifetimeSeconds * 1000) : expiresAt;
    }
}
