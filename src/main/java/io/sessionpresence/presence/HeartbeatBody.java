package io.sessionpresence.presence;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionpresence.http.HttpJson;

/**
 * A presence report, read once from a JSON object: the body of {@code POST /api/heartbeat} and the
 * data of the socket events {@code user:heartbeat}, {@code user:login} and {@code user:logout}
 * (which use only {@code user}). Every field is optional; a wrong type or length is a 400.
 *
 * @param user         the user a client without a session claims to be
 * @param page         where the user is ({@code ""} when not given)
 * @param leaving      a goodbye: end presence now rather than after its TTL
 * @param sessionToken a session token sent in the body, for beacons, which cannot set headers
 */
public record HeartbeatBody(Optional<String> user, String page, boolean leaving, Optional<String> sessionToken) {
    public static final int MAX_USER = 256;
    public static final int MAX_PAGE = 2048;
    private static final int MAX_TOKEN = 256;

    public static HeartbeatBody from(JsonNode body) {
        return new HeartbeatBody(
                HttpJson.optString(body, "user", MAX_USER),
                HttpJson.optString(body, "page", MAX_PAGE).orElse(""),
                HttpJson.optBoolean(body, "leaving", false),
                HttpJson.optString(body, "session_token", MAX_TOKEN).filter(t -> !t.isBlank()));
    }
}
