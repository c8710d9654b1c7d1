package io.sessionpresence.realtime;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionpresence.http.ApiException;
import io.sessionpresence.http.HttpJson;
import io.sessionpresence.json.Json;
import io.sessionpresence.limits.MessageLimit;
import io.sessionpresence.logging.LogLimiter;
import io.sessionpresence.presence.HeartbeatBody;
import io.sessionpresence.presence.SessionUpdateBody;
import io.sessionpresence.presence.Visitor;
import io.sessionpresence.session.Session;
import io.sessionpresence.store.StoreFull;
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
 *
 * <p>A client with a session lives no longer than that session: when it ends (revoked on any
 * instance, see {@link SessionSockets}, or past its deadline, which a timer watches and a re-read
 * confirms, so that a refresh made anywhere extends it) the client leaves the admin room, gets a
 * last {@code session_ended {reason, session_id}} event, and its connection is closed; its
 * user's presence entry from this connection's address ends with one {@code user_logout}. An
 * event being handled at that moment finishes first, and nothing is sent after the close.
 */
public final class ConnectedClient implements AdminRoom.Member {
    static final String STORE_DOWN = "Session store unavailable, retry shortly";
    /** The last event a client whose session ended receives. */
    public static final String SESSION_ENDED = "session_ended";
    private static final String EXPIRED_MESSAGE = "Session expired; reconnect with a new session token";
    private static final Logger LOG = Logger.getLogger(ConnectedClient.class.getName());
    /** Shared by every connection: a failure that hits each one is a few lines, not one per socket. */
    private static final LogLimiter REPEATED = new LogLimiter(LOG);
    private static final int MAX_EVENT_NAME_SHOWN = 64;

    private final Gateway gateway;
    /** The session as last read: a refresh replaces it with its later deadline. */
    private volatile Optional<Session> session;
    private final boolean adminToken;
    private final String ip;
    private final String userAgent;
    private final Transport transport;
    /** Read by the connection's reading thread only. */
    private final MessageLimit messages;
    /** Held while an event is handled, so that the end of the session waits for it. */
    private final ReentrantLock handling = new ReentrantLock();
    /** Live events that arrive while a join's snapshot is being read; null when not joining. Guarded by this. */
    private ArrayDeque<Emission> heldBack;
    /** Guarded by this: once set, nothing more is sent. */
    private boolean ended;
    /** Guarded by this: the next check of the session, at its deadline or the periodic recheck. */
    private ScheduledFuture<?> deadline;
    /** Whether this client is still counted among the connected ones (it leaves by close or by its session's end). */
    private final AtomicBoolean counted = new AtomicBoolean();

    ConnectedClient(Gateway gateway, Optional<Session> session, boolean adminToken, String ip,
                  String userAgent, Transport transport) {
        this.gateway = gateway;
        this.session = session;
        this.adminToken = adminToken;
        this.ip = ip;
        this.userAgent = userAgent;
        this.transport = transport;
        this.messages = gateway.limits.socketMessages();
    }

    /**
     * Registers a client with a session in this instance's index and arms its deadline; false when
     * the session ended since it was checked (the client must then be refused).
     */
    boolean open() {
        Optional<Session> current = session;
        if (current.isPresent()) {
            if (!gateway.sockets.add(current.get().sessionId(), this)) {
                return false;
            }
            armDeadline(current.get());
        }
        counted.set(true);
        gateway.metrics.connections(transport.channel()).incrementAndGet();
        return true;
    }

    /** No longer connected: counted once, however many of close and the session's end happen. */
    private void uncount() {
        if (counted.compareAndSet(true, false)) {
            gateway.metrics.connections(transport.channel()).decrementAndGet();
        }
    }

    /**
     * Handles one client event and returns its acknowledgement payload ({@code ok} plus details,
     * or {@code ok:false} and the message that also went out as an {@code error} event).
     */
    public Map<String, Object> handle(String event, JsonNode data) {
        handling.lock();
        try {
            if (isEnded()) {
                return Json.fields("ok", false, "message", "Session ended");
            }
            return handleEvent(event, data);
        } finally {
            handling.unlock();
        }
    }

    private Map<String, Object> handleEvent(String event, JsonNode data) {
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
                gateway.metrics.storeErrors(transport.channel()).increment();
                return failed(STORE_DOWN);
            }
            if (e instanceof StoreFull full) {
                return failed(full.getMessage());
            }
            REPEATED.log(Level.SEVERE, "Unexpected error handling a realtime event (" + e.getClass().getName() + ")",
                    () -> "Unexpected error handling realtime event " + shorten(event), e);
            return failed("Internal error");
        }
    }

    /**
     * Counts one message from the client against its connection's limit, before it is read.
     * Refused: an {@code error {"message", "retry_after"}} event, and the returned message for an
     * acknowledgement; a client that keeps sending while refused is expelled.
     */
    public Optional<String> admitMessage() {
        MessageLimit.Outcome outcome = messages.take();
        if (outcome == MessageLimit.Outcome.ACCEPTED) {
            return Optional.empty();
        }
        String message = "Too many messages on this connection; retry in " + messages.retryAfterSeconds() + " s";
        Emission error = new Emission("error", Json.fields("message", message,
                "retry_after", messages.retryAfterSeconds()));
        if (outcome == MessageLimit.Outcome.DISCONNECT) {
            transport.expel(error, "message limit");
        } else {
            send(error);
        }
        return Optional.of(message);
    }

    /** Sends the presence tracker's {@code error} event; also for frames that never became an event. */
    public void error(String message) {
        send(new Emission("error", Json.fields("message", message)));
    }

    /** The connection is gone: leave the room and the index, stop watching the deadline. */
    public void closed() {
        uncount();
        gateway.room.leave(this);
        session.ifPresent(s -> gateway.sockets.remove(s.sessionId(), this));
        synchronized (this) {
            cancelDeadline();
        }
    }

    /** The user the client's session names, if it has one. */
    public Optional<String> sessionUser() {
        return session.map(Session::userId);
    }

    // ---- the end of the session

    private synchronized boolean isEnded() {
        return ended;
    }

    /**
     * The client's session ended ({@code reason}: logout, logout-all, revoked, admin, limit,
     * expired): from now on nothing reaches the client but the farewell, sent once an event being
     * handled has finished. Never blocks.
     */
    void end(String reason) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            heldBack = null;
            cancelDeadline();
        }
        uncount();
        gateway.room.leave(this);
        // Ended by its deadline, the client is still indexed; its connection's close will not say so.
        session.ifPresent(s -> gateway.sockets.remove(s.sessionId(), this));
        Thread.ofVirtual().name("session-ended").start(() -> farewell(reason));
    }

    private void farewell(String reason) {
        handling.lock();
        try {
            // Again: a join that was being handled may have entered the room after end() left it.
            gateway.room.leave(this);
            String sessionId = session.map(Session::sessionId).orElse("");
            transport.disconnect(new Emission(SESSION_ENDED, Json.fields("reason", reason, "session_id", sessionId)),
                    reason);
            leavePresence();
        } finally {
            handling.unlock();
        }
    }

    /** Ends the presence this connection's user has from its address, announcing it if there was one. */
    private void leavePresence() {
        try {
            gateway.presence.leave(gateway.presence.visitor(session, Optional.empty(), ip, userAgent));
        } catch (RuntimeException e) {
            // The entry then ends by its TTL; the socket is closed all the same.
            REPEATED.log(Level.WARNING, "Presence of an ended session not removed (" + e.getClass().getSimpleName() + ")",
                    () -> "Presence of an ended session not removed: " + e.getClass().getSimpleName());
        }
    }

    /**
     * Reads the session again: a later deadline (a refresh) is kept and watched; a session that is
     * gone or past its deadline ends the client. {@code atDeadline}: the known deadline has passed,
     * so a store that cannot answer ends the client too; otherwise (a refresh event, a periodic
     * recheck) that waits for the next check. Blocks on the store: never on the timer or event threads.
     */
    void recheck(boolean atDeadline) {
        Optional<Session> known = session;
        if (known.isEmpty() || isEnded()) {
            return;
        }
        Optional<Session> current;
        try {
            current = gateway.sessions.find(known.get().sessionId());
        } catch (RuntimeException e) {
            if (atDeadline) {
                end(SessionSockets.EXPIRED);
            } else {
                armDeadline(known.get());
            }
            return;
        }
        if (current.isEmpty() || gateway.sessions.hasExpired(current.get())) {
            end(SessionSockets.EXPIRED);
            return;
        }
        session = current;
        armDeadline(current.get());
    }

    /**
     * Schedules the next check of the session: at its deadline, or sooner at the periodic recheck,
     * which catches an end whose event never came (pub/sub delivers at most once) and an idle
     * timeout; that read of the session counts as use of it, as a validate does.
     */
    private synchronized void armDeadline(Session current) {
        if (ended) {
            return;
        }
        cancelDeadline();
        long delay = Math.min(gateway.sessions.millisLeft(current), gateway.sessionRecheckMs);
        deadline = gateway.timers.schedule(() -> Thread.ofVirtual().name("session-recheck").start(
                () -> recheck(gateway.sessions.hasExpired(current))), delay, TimeUnit.MILLISECONDS);
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
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
        sendNow(new Emission("joined_room", joined));
        Emission snapshot = null;
        try {
            snapshot = new Emission(AdminSnapshot.EVENT, gateway.snapshot.take());
        } finally {
            synchronized (this) {
                if (!ended) {
                    if (snapshot != null) {
                        transport.deliver(snapshot);
                    }
                    heldBack.forEach(transport::deliver);
                }
                heldBack = null;
            }
        }
        return Json.fields("ok", true, "room", room);
    }

    private Map<String, Object> heartbeat(JsonNode data) {
        HeartbeatBody body = HeartbeatBody.from(data);
        Visitor visitor = visitor(body);
        gateway.presence.heartbeat(visitor, body.page());
        gateway.metrics.heartbeats(transport.channel()).increment();
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

    /**
     * The connection's session, as long as it is live: past the deadline last seen, the session
     * is read again (a refresh whose event has not arrived yet extends it; an expired one ends the
     * client).
     */
    private Optional<Session> liveSession() {
        Optional<Session> current = session;
        if (current.isPresent() && gateway.sessions.hasExpired(current.get())) {
            recheck(true);
            current = session;
            if (isEnded() || gateway.sessions.hasExpired(current.get())) {
                throw ApiException.unauthorized(EXPIRED_MESSAGE);
            }
        }
        return current;
    }

    private void requireAdmin(String what) {
        boolean adminUser = liveSession().map(s -> gateway.adminAuth.isAdminUser(s.userId())).orElse(false);
        if (!adminToken && !adminUser) {
            throw ApiException.forbidden("Admin credential required to " + what);
        }
    }

    @Override
    public void deliver(Emission emission) {
        send(emission);
    }

    /**
     * Every event to the client goes through here or {@link #sendNow}: none once the session
     * ended. Queued under the lock that {@link #end} takes, so that none is queued after the
     * farewell (queueing never blocks).
     */
    private synchronized void send(Emission emission) {
        if (ended) {
            return;
        }
        if (heldBack != null) {
            if (heldBack.size() >= gateway.queueSize) {
                heldBack.pollFirst();
            }
            heldBack.addLast(emission);
            return;
        }
        transport.deliver(emission);
    }

    /** Like {@link #send}, but ahead of the live events held back during a join. */
    private synchronized void sendNow(Emission emission) {
        if (!ended) {
            transport.deliver(emission);
        }
    }

    private static String shorten(String text) {
        return text.length() <= MAX_EVENT_NAME_SHOWN ? text : text.substring(0, MAX_EVENT_NAME_SHOWN) + "...";
    }
}
