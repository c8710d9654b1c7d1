package io.sessionpresence.presence;

import com.fasterxml.jackson.annotation.JsonProperty;

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
    /** The presence tracker's payload also carries the id as {@code session_id}. */
    @JsonProperty("session_id")
    public String sessionId() {
        return sid;
    }
}
