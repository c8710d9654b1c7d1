package io.sessionpresence.presence;

import java.util.List;

import io.helidon.config.Config;
import io.sessionpresence.config.Settings;

/**
 * The {@code presence.*} keys.
 *
 * @param ttlSeconds         how long a heartbeat keeps a user present
 * @param activityTtlSeconds how long a session activity entry lives
 * @param allowAnonymous     accept a client-named user without a session (marked unverified)
 * @param trackedPaths       path prefixes on which requests with a session refresh presence
 */
public record PresenceSettings(long ttlSeconds, long activityTtlSeconds, boolean allowAnonymous,
                               List<String> trackedPaths) {

    public static PresenceSettings from(Config root) {
        return new PresenceSettings(
                Settings.seconds(root, "presence.ttl", 1),
                Settings.seconds(root, "presence.activity-ttl", 1),
                Settings.bool(root, "presence.allow-anonymous"),
                Settings.list(root, "presence.tracked-paths"));
    }
}
