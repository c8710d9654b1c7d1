package io.sessionpresence.realtime;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

import com.fasterxml.jackson.databind.JsonNode;

import io.sessionpresence.admin.SessionTerminator;
import io.sessionpresence.auth.AdminAuth;
import io.sessionpresence.http.TooManyRequests;
import io.sessionpresence.json.Json;
import io.sessionpresence.limits.Limits;
import io.sessionpresence.metrics.Channel;
import io.sessionpresence.metrics.ServiceMetrics;
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
     * @param adminToken   {@code auth.token} (Socket.IO's {@code auth}, or the first {@code /ws}
     *                     frame), or {@code /ws?token=} where query credentials are allowed
     * @param sessionToken {@code auth.session_token}, the {@code X-Session-Token} header of the
     *                     upgrade / handshake request, or {@code /ws?session=} where allowed
     * @param ip           client address
     * @param userAgent    User-Agent of the handshake request
     */
    public record Credentials(Optional<String> adminToken, Optional<String> sessionToken, String ip,
                              String userAgent) {
        private static final int MAX_TOKEN = 4096;

        /**
         * The credentials of an {@code auth} object ({@code token}, {@code session_token}; the
         * same names in Socket.IO's handshake and the first {@code /ws} frame), the session token
         * falling back to {@code headerSessionToken}.
         *
         * @throws IllegalArgumentException when a field is not a string of at most 4096 characters
         */
        public static Credentials fromAuth(JsonNode auth, Optional<String> headerSessionToken, String ip,
                                           String userAgent) {
            Optional<String> sessionToken = authString(auth, "session_token").or(() -> headerSessionToken);
            return new Credentials(authString(auth, "token"), sessionToken.filter(s -> !s.isBlank()), ip, userAgent);
        }

        private static Optional<String> authString(JsonNode auth, String field) {
            JsonNode value = auth.get(field);
            if (value == null || value.isNull()) {
                return Optional.empty();
            }
            if (!value.isTextual() || value.textValue().length() > MAX_TOKEN) {
                throw new IllegalArgumentException("auth." + field + " must be a string");
            }
            return Optional.of(value.textValue()).filter(s -> !s.isBlank());
        }

        public boolean any() {
            return adminToken.isPresent() || sessionToken.isPresent();
        }
    }

    /** A connection refused at connect time; the message is safe to show the client. */
    public static final class Refused extends Exception {
        private final long retryAfterSeconds;

        public Refused(String message) {
            this(message, 0);
        }

        private Refused(TooManyRequests limited) {
            this(limited.getMessage(), limited.retryAfterSeconds());
        }

        private Refused(String message, long retryAfterSeconds) {
            super(message, null, false, false);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        /** What the client is told: the message, and {@code retry_after} (seconds) when a limit refused it. */
        public Map<String, Object> payload() {
            Map<String, Object> payload = Json.fields("message", getMessage());
            if (retryAfterSeconds > 0) {
                payload.put("retry_after", retryAfterSeconds);
            }
            return payload;
        }
    }

    final SessionService sessions;
    final PresenceService presence;
    final SessionTerminator terminator;
    final AdminAuth adminAuth;
    final Limits limits;
    final AdminRoom room;
    final SessionSockets sockets;
    final ScheduledExecutorService timers;
    final AdminSnapshot snapshot;
    final int queueSize;
    final long sessionRecheckMs;
    final ServiceMetrics metrics;

    Gateway(SessionService sessions, PresenceService presence, SessionTerminator terminator, AdminAuth adminAuth,
            Limits limits, AdminRoom room, SessionSockets sockets, ScheduledExecutorService timers, AdminSnapshot snapshot,
            int queueSize, long sessionRecheckMs, ServiceMetrics metrics) {
        this.sessions = sessions;
        this.presence = presence;
        this.terminator = terminator;
        this.adminAuth = adminAuth;
        this.limits = limits;
        this.room = room;
        this.sockets = sockets;
        this.timers = timers;
        this.snapshot = snapshot;
        this.queueSize = queueSize;
        this.sessionRecheckMs = sessionRecheckMs;
        this.metrics = metrics;
    }

    /** A socket connection from {@code ip} opens: refused past the address's connection limit. */
    public void admitConnection(String ip) throws Refused {
        try {
            limits.socketConnection(ip);
        } catch (TooManyRequests limited) {
            throw new Refused(limited);
        }
    }

    /**
     * A transport-level handshake from {@code ip} (an Engine.IO session, before any Socket.IO
     * connection inside it): counted as a connection too.
     *
     * @throws TooManyRequests past the address's connection limit
     */
    public void countHandshake(String ip) {
        limits.socketConnection(ip);
    }

    /**
     * Checks the credentials and gives the connection its client. Failed credentials count against
     * the address as on HTTP, and past the limit are refused with {@code retry_after}.
     */
    public ConnectedClient connect(Credentials credentials, Transport transport) throws Refused {
        try {
            return admit(credentials, transport);
        } catch (TooManyRequests limited) {
            throw new Refused(limited);
        }
    }

    private ConnectedClient admit(Credentials credentials, Transport transport) throws Refused {
        Optional<Session> session = Optional.empty();
        if (credentials.sessionToken().isPresent()) {
            try {
                session = sessions.validate(credentials.sessionToken().get());
            } catch (RuntimeException e) {
                metrics.storeErrors(transport.channel()).increment();
                throw new Refused(ConnectedClient.STORE_DOWN);
            }
            if (session.isEmpty()) {
                limits.sessionFailed(credentials.ip());
                throw new Refused("Invalid or expired session token");
            }
        }
        boolean adminToken = false;
        if (credentials.adminToken().isPresent()) {
            limits.adminAttempt(credentials.ip());
            if (!adminAuth.isAdminToken(credentials.adminToken().get())) {
                limits.adminFailed(credentials.ip());
                throw new Refused(adminAuth.enabled() ? "Invalid admin token" : "Admin access is disabled on this server");
            }
            adminToken = true;
        }
        ConnectedClient client = new ConnectedClient(this, session, adminToken,
                credentials.ip(), credentials.userAgent(), transport);
        if (!client.open()) {
            throw new Refused("Invalid or expired session token");
        }
        return client;
    }
}
