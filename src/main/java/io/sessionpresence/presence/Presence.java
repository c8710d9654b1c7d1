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
     * array, the User-Agent in its short form ({@link UserAgents}) and {@code verified} as 1 or 0.
     * Against the whole record as a JSON object this saves the user and address (written twice)
     * and the field names; the short User-Agent keeps a browser's entry under Redis's 64-byte
     * limit for compact hashes (README, "Bytes per presence entry"). The layout is the one
     * earlier builds wrote with the whole User-Agent and {@code true}/{@code false}: they read
     * these values too during a rolling update (showing the short User-Agent), and the trailing
     * 1 or 0 tells a value whose User-Agent is short.
     */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    public record Stored(String ua, String page, long lastSeen,
                         @JsonFormat(shape = JsonFormat.Shape.NUMBER) boolean verified) {
    }

    /**
     * The presence tracker's key. Users may hold '|'; addresses never do ({@code ClientInfo}), so two
     * different (user, ip) pairs never share a key, and the last '|' splits it again.
     */
    public String key() {
        return user + "|" + ip;
    }

    public String stored() {
        return Json.writeString(new Stored(UserAgents.compact(ua), page, lastSeen, verified));
    }

    /** Whether a stored array holds the short User-Agent: earlier builds ended it with true or false. */
    static boolean holdsShortUserAgent(String value) {
        return !value.endsWith("e]");
    }

    /**
     * The entry stored under {@code key}. Values written by earlier builds (a whole JSON object, or
     * the array with the whole User-Agent) live one presence TTL at most and are read as written.
     */
    public static Presence fromStored(String key, String value) {
        if (value.startsWith("{")) {
            return Json.read(value, Presence.class);
        }
        int bar = key.lastIndexOf('|');
        Stored stored = Json.read(value, Stored.class);
        String ua = holdsShortUserAgent(value) ? UserAgents.expand(stored.ua()) : stored.ua();
        return new Presence(key.substring(0, bar), key.substring(bar + 1), ua, stored.page(), stored.lastSeen(),
                stored.verified());
    }
}
