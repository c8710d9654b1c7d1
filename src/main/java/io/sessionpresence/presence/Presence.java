package io.sessionpresence.presence;

import com.fasterxml.jackson.annotation.JsonFormat;
import io.sessionpresence.json.Json;

/**
 * One user's presence from one address, as stored under {@code user|ip} (the presence tracker's key) and
 * shown to admins.
 *
 * @param user     who
 * @param ip       from where
 * @param ua       browser User-Agent
 * @param page     the page they are on
 * @param lastSeen last heartbeat, epoch ms
 * @param verified true when a session named the user; false when the client only claimed it
 */
public record Presence(String user, String ip, String ua, String page, long lastSeen, boolean verified) {
    /**
     * What the store holds beside the key: the fields the key does not already hold, as a JSON
     * array. Against the whole record as a JSON object this saves the user and address (written
     * twice) and the field names: ~80 bytes of Redis memory per entry (README, "Bytes per entry").
     */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    public record Stored(String ua, String page, long lastSeen, boolean verified) {
    }

    /**
     * The presence tracker's key. Users may hold '|'; addresses never do ({@code ClientInfo}), so two
     * different (user, ip) pairs never share a key, and the last '|' splits it again.
     */
    public String key() {
        return user + "|" + ip;
    }

    public String stored() {
        return Json.writeString(new Stored(ua, page, lastSeen, verified));
    }

    /**
     * The entry stored under {@code key}. A value that is a whole JSON object (written by earlier
     * builds; it lives one presence TTL at most) is read as one.
     */
    public static Presence fromStored(String key, String value) {
        if (value.startsWith("{")) {
            return Json.read(value, Presence.class);
        }
        int bar = key.lastIndexOf('|');
        Stored stored = Json.read(value, Stored.class);
        return new Presence(key.substring(0, bar), key.substring(bar + 1), stored.ua(), stored.page(),
                stored.lastSeen(), stored.verified());
    }
}
