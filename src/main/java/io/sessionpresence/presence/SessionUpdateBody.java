package io.sessionpresence.presence;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionpresence.http.ApiException;
import io.sessionpresence.http.HttpJson;

/**
 * A message about one tracked session, read once from a JSON object: the body of
 * {@code POST /api/session/update} and the data of the socket event {@code session:terminate}.
 *
 * @param sid  the tracked session's id, exactly as sent: only an absent, null or empty one is
 *             missing (400), any other, spaces included, is kept
 * @param user the user a client without a session claims to be
 */
public record SessionUpdateBody(String sid, Optional<String> user) {
    public static final int MAX_SID = 256;

    public static SessionUpdateBody from(JsonNode body) {
        return new SessionUpdateBody(
                HttpJson.optString(body, "sid", MAX_SID).filter(s -> !s.isEmpty())
                        .orElseThrow(() -> ApiException.badRequest("Session ID required")),
                HttpJson.optString(body, "user", HeartbeatBody.MAX_USER));
    }
}
