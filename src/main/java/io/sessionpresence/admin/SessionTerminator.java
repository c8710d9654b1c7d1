package io.sessionpresence.admin;

import java.util.Map;
import java.util.Optional;

import io.sessionpresence.http.ApiException;
import io.sessionpresence.json.Json;
import io.sessionpresence.presence.PresenceService;
import io.sessionpresence.presence.SessionActivity;
import io.sessionpresence.session.Session;
import io.sessionpresence.session.SessionService;

/**
 * Terminating a session for an admin, the one path behind {@code DELETE /admin/sessions/{id}} and
 * the {@code session:terminate} socket event. An id may name a live session, tracked activity
 * (the presence tracker's {@code sessions:active}, what {@code POST /api/session/update} records), or both:
 * whatever it names ends, and admins get one {@code session_terminated} event.
 */
public final class SessionTerminator {
    static final String NOT_FOUND = "No live session or tracked session activity with that id";
    private static final String REASON = "admin";

    /**
     * What a termination ended.
     *
     * @param sessionId       the id, exactly as given
     * @param user            the live session's user, else the tracked entry's
     * @param liveSession     a live session was revoked
     * @param trackedActivity a tracked activity entry was removed
     */
    public record Terminated(String sessionId, String user, boolean liveSession, boolean trackedActivity) {
        /** The fields both the HTTP answer and the socket acknowledgement carry. */
        public Map<String, Object> fields() {
            return Json.fields("session_id", sessionId, "user", user, "terminated", true,
                    "live_session", liveSession, "tracked_activity", trackedActivity);
        }
    }

    private final SessionService sessions;
    private final PresenceService presence;

    public SessionTerminator(SessionService sessions, PresenceService presence) {
        this.sessions = sessions;
        this.presence = presence;
    }

    /** Ends what {@code sessionId} names; a 404 {@link ApiException} when it names nothing. */
    public Terminated terminate(String sessionId) {
        Optional<Session> live = sessions.revoke(sessionId, REASON);
        Optional<SessionActivity> tracked = presence.endActivity(sessionId);
        if (live.isPresent()) {
            return new Terminated(sessionId, live.get().userId(), true, tracked.isPresent());
        }
        if (tracked.isEmpty()) {
            throw ApiException.notFound(NOT_FOUND);
        }
        // Removal is atomic in both stores, so of two concurrent terminations only one gets
        // here with the entry, and admins hear of it once.
        sessions.announceTerminated(sessionId, tracked.get().user(), REASON);
        return new Terminated(sessionId, tracked.get().user(), false, true);
    }
}
