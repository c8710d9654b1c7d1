package io.sessionpresence.presence;

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
     * The presence tracker's key. Users may hold '|'; addresses never do ({@code ClientInfo}), so two
     * different (user, ip) pairs never share a key.
     */
    public String key() {
        return user + "|" + ip;
    }
}
