package io.sessionpresence.realtime;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionpresence.http.ApiException;
import io.sessionpresence.http.HttpJson;
import io.sessionpresence.json.Json;
import io.sessionpresence.presence.HeartbeatBody;
import io.sessionpresence.presence.SessionUpdateBody;
import io.sessionpresence.presence.Visitor;
import io.sessionpresence.session.Session;
import io.sessionpresence.store.StoreOutage;

/**
 * One connected realtime client, protocol-independent: the presence tracker's client events and the
 * {@code admin} room. Every failure becomes an {@code error {"message"}} event and the
 * connection stays open.
 *
 * <p>Identity follows the HTTP heartbeat rule: the session the client connected with names the
 * user and wins over the event's {@code user}; without one, the event's {@code user} is accepted
 * (unverified) only while anonymous presence is allowed. Admin rights come from the admin token,
 * or from a live session of a user listed in {@code admin.users}.
 */
public final class ConnectedClient implements AdminRoom.Member {
    static final String STORE_DOWN = "Session store unavailable, retry shortly";
    private static final Logger LOG = Logger.getLogger(ConnectedClient.class.getName());
    private static final int MAX_EVENT_NAME_SHOWN = 64;

    private final Gateway gateway;
    private final Optional<Session> session;
    private final boolean adminToken;
    private final String ip;
    private final String userAgent;
    private final Transport transport;
    /** Live events that arrive while a join's snapshot is being read; null when not joining. */
    private ArrayDeque<Emission> heldBack;

    ConnectedClient(Gateway gateway, Optional<Session> session, boolean adminToken, String ip,
                  String userAgent, Transport transport) {
        this.gateway = gateway;
        this.session = session;
        this.adminToken = adminToken;
        this.ip = ip;
        this.userAgent = userAgent;
        this.transport = transport;
    }

    /**
     * Handles one client event and returns its acknowledgement payload ({@code ok} plus details,
     * or {@code ok:false} and the message that also went out as an {@code error} event).
     */
    public Map<String, Object> handle(String event, JsonNode data) {
        try {
            if (data != null && !data.isNull() && !data.isObject()) {
                throw ApiException.badRequest("Event data must be a JSON object");
            }
            JsonNode body = data == null || data.isNull() ? Json.MAPPER.createObjectNode() : data;
            return switch (event) {
                case "join-room" -> joinRoom(body);
                case "user:heartbeat" -> heartbeat(body);
                case "user:login" -> login(body);
                case "user:logout" -> logout(body);
                case "session:terminate" -> terminate(body);
                default -> throw ApiException.badRequest("Unknown event '" + shorten(event) + "'");
            };
        } catch (ApiException e) {
            return failed(e.getMessage());
        } catch (RuntimeException e) {
            if (StoreOutage.is(e)) {
                return failed(STORE_DOWN);
            }
            LOG.log(Level.SEVERE, "Unexpected error handling realtime event " + shorten(event), e);
            return failed("Internal error");
        }
    }

    /** Sends the presence tracker's {@code error} event; also for frames that never became an event. */
    public void error(String message) {
        transport.deliver(new Emission("error", Json.fields("message", message)));
    }

    /** The connection is gone: leave the room. */
    public void closed() {
        gateway.room.leave(this);
    }

    private Map<String, Object> failed(String message) {
        error(message);
        return Json.fields("ok", false, "message", message);
    }

    // ---- events

    private Map<String, Object> joinRoom(JsonNode body) {
        String room = HttpJson.optString(body, "room", HeartbeatBody.MAX_USER).orElse(AdminRoom.NAME);
        if (!AdminRoom.NAME.equals(room)) {
            throw ApiException.badRequest("Unknown room '" + shorten(room) + "'; the only room is 'admin'");
        }
        requireAdmin("join room 'admin'");
        synchronized (this) {
            heldBack = new ArrayDeque<>();
        }
        gateway.room.join(this);
        Map<String, Object> joined = Json.fields("room", room);
        transport.deliver(new Emission("joined_room", joined));
        Emission snapshot = null;
        try {
            snapshot = new Emission(AdminSnapshot.EVENT, gateway.snapshot.take());
        } finally {
            synchronized (this) {
                if (snapshot != null) {
                    transport.deliver(snapshot);
                }
                heldBack.forEach(transport::deliver);
                heldBack = null;
            }
        }
        return Json.fields("ok", true, "room", room);
    }

    private Map<String, Object> heartbeat(JsonNode data) {
        HeartbeatBody body = HeartbeatBody.from(data);
        Visitor visitor = visitor(body);
        gateway.presence.heartbeat(visitor, body.page());
        return recorded(visitor);
    }

    private Map<String, Object> login(JsonNode data) {
        Visitor visitor = visitor(HeartbeatBody.from(data));
        gateway.presence.login(visitor);
        return recorded(visitor);
    }

    private Map<String, Object> logout(JsonNode data) {
        Visitor visitor = visitor(HeartbeatBody.from(data));
        gateway.presence.logout(visitor);
        return recorded(visitor);
    }

    private Map<String, Object> terminate(JsonNode data) {
        requireAdmin("terminate sessions");
        String sid = SessionUpdateBody.from(data).sid();
        Map<String, Object> ack = Json.fields("ok", true);
        ack.putAll(gateway.terminator.terminate(sid).fields());
        return ack;
    }

    // ---- helpers

    private Visitor visitor(HeartbeatBody body) {
        return gateway.presence.visitor(liveSession(), body.user(), ip, userAgent);
    }

    private static Map<String, Object> recorded(Visitor visitor) {
        return Json.fields("ok", true, "user", visitor.user(), "verified", visitor.verified());
    }

    /** The connection's session, as long as it has not expired since the connect. */
    private Optional<Session> liveSession() {
        if (session.isPresent() && gateway.sessions.hasExpired(session.get())) {
            throw ApiException.unauthorized("Session expired; reconnect with a new session token");
        }
        return session;
    }

    private void requireAdmin(String what) {
        boolean adminUser = liveSession().map(s -> gateway.adminAuth.isAdminUser(s.userId())).orElse(false);
        if (!adminToken && !adminUser) {
            throw ApiException.forbidden("Admin credential required to " + what);
        }
    }

    @Override
    public void deliver(Emission emission) {
        synchronized (this) {
            if (heldBack != null) {
                if (heldBack.size() >= gateway.queueSize) {
                    heldBack.pollFirst();
                }
                heldBack.addLast(emission);
                return;
            }
        }
        transport.deliver(emission);
    }

    private static String shorten(String text) {
        return text.length() <= MAX_EVENT_NAME_SHOWN ? text : text.substring(0, MAX_EVENT_NAME_SHOWN) + "...";
    }
}
