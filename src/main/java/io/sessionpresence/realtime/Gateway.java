package io.sessionpresence.realtime;

import java.util.Optional;

import io.sessionpresence.admin.SessionTerminator;
import io.sessionpresence.auth.AdminAuth;
import io.sessionpresence.presence.PresenceService;
import io.sessionpresence.session.Session;
import io.sessionpresence.session.SessionService;

/**
 * Where every realtime connection enters, whatever its protocol: checks the credentials it
 * presents and gives it a {@link ConnectedClient}. A credential that is presented must be valid
 * (a stale session token or a wrong admin token is refused rather than silently ignored); with
 * none, the connection is anonymous and can only send presence events the identity rule allows.
 */
public final class Gateway {
    /**
     * What a connecting client presents.
     *
     * @param adminToken   {@code /ws?token=} or Socket.IO {@code auth.token}
     * @param sessionToken {@code /ws?session=}, Socket.IO {@code auth.session_token}, or the
     *                     {@code X-Session-Token} header of the upgrade / handshake request
     * @param ip           client address
     * @param userAgent    User-Agent of the handshake request
     */
    public record Credentials(Optional<String> adminToken, Optional<String> sessionToken, String ip,
                              String userAgent) {
    }

    /** A connection refused at connect time; the message is safe to show the client. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message, null, false, false);
        }
    }

    final SessionService sessions;
    final PresenceService presence;
    final SessionTerminator terminator;
    final AdminAuth adminAuth;
    final AdminRoom room;
    final AdminSnapshot snapshot;
    final int queueSize;

    Gateway(SessionService sessions, PresenceService presence, SessionTerminator terminator, AdminAuth adminAuth,
            AdminRoom room, AdminSnapshot snapshot, int queueSize) {
        this.sessions = sessions;
        this.presence = presence;
        this.terminator = terminator;
        this.adminAuth = adminAuth;
        this.room = room;
        this.snapshot = snapshot;
        this.queueSize = queueSize;
    }

    public ConnectedClient connect(Credentials credentials, Transport transport) throws Refused {
        Optional<Session> session = Optional.empty();
        if (credentials.sessionToken().isPresent()) {
            try {
                session = sessions.validate(credentials.sessionToken().get());
            } catch (RuntimeException e) {
                throw new Refused(ConnectedClient.STORE_DOWN);
            }
            if (session.isEmpty()) {
                throw new Refused("Invalid or expired session token");
            }
        }
        boolean adminToken = false;
        if (credentials.adminToken().isPresent()) {
            if (!adminAuth.isAdminToken(credentials.adminToken().get())) {
                throw new Refused(adminAuth.enabled() ? "Invalid admin token" : "Admin access is disabled on this server");
            }
            adminToken = true;
        }
        return new ConnectedClient(this, session, adminToken,
                credentials.ip(), credentials.userAgent(), transport);
    }
}
