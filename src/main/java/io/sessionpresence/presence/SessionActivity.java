package io.sessionpresence.presence;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.sessionpresence.json.Json;

/**
 * Tracked activity of a session (the presence tracker's {@code sessions:active} entries), stored under its sid.
 *
 * @param sid          the session id the client reported (a real session's id when it has one)
 * @param user         who
 * @param ip           from where
 * @param ua           browser User-Agent
 * @param lastActivity epoch ms
 * @param verified     true when a valid session backed the report
 */
public record SessionActivity(String sid,
                              String user,
                              String ip,
                              String ua,
                              @JsonProperty("last_activity") long lastActivity,
                              boolean verified) {
    /**
     * What the store holds under the sid: the other fields as a JSON array, the User-Agent short
     * and {@code verified} as 1 or 0, as in {@link Presence.Stored}.
     */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    public record Stored(String user, String ip, String ua, long lastActivity,
                         @JsonFormat(shape = JsonFormat.Shape.NUMBER) boolean verified) {
    }

    public String stored() {
        return Json.writeString(new Stored(user, ip, UserAgents.compact(ua), lastActivity, verified));
    }

    /** The entry stored under {@code sid}; values of earlier builds are read as they were written. */
    public static SessionActivity fromStored(String sid, String value) {
        if (value.startsWith("{")) {
            return Json.read(value, SessionActivity.class);
        }
        Stored stored = Json.read(value, Stored.class);
        String ua = Presence.holdsShortUserAgent(value) ? UserAgents.expand(stored.ua()) : stored.ua();
        return new SessionActivity(sid, stored.user(), stored.ip(), ua, stored.lastActivity(), stored.verified());
    }

    /** The presence tracker's payload also carries the id as {@code session_id}. */
    @JsonProperty("session_id")
    public String sessionId() {
        return sid;
    }
}
