package io.sessionpresence.presence;

/**
 * Who a heartbeat or socket event is from, after the identity rule: a valid session names the
 * user ({@code verified}); otherwise the client's own claim, when anonymous presence is allowed.
 *
 * @param user      user id
 * @param sessionId the backing session's public id, or null for a claimed identity
 * @param verified  whether a session vouched for the user
 * @param ip        client address
 * @param ua        User-Agent
 */
public record Visitor(String user, String sessionId, boolean verified, String ip, String ua) {
}
