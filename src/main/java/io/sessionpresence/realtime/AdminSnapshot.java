package io.sessionpresence.realtime;

import java.util.Map;
import java.util.Optional;

import io.sessionpresence.admin.AdminSessionViews;
import io.sessionpresence.json.Json;
import io.sessionpresence.presence.Presence;
import io.sessionpresence.presence.PresenceService;
import io.sessionpresence.session.SessionListings;
import io.sessionpresence.session.SessionViews;
import io.sessionpresence.store.Page;

/**
 * The state an admin view is rebuilt from ({@code admin:snapshot}), sent on every join of the
 * admin room: live presence and live sessions, newest first, at most {@code limit} of each, with
 * their full counts. Events are hints on top of it; a client that reconnects (or missed events)
 * rejoins and gets a fresh one.
 */
final class AdminSnapshot {
    static final String EVENT = "admin:snapshot";

    private final PresenceService presence;
    private final SessionListings sessions;
    private final int limit;

    AdminSnapshot(PresenceService presence, SessionListings sessions, int limit) {
        this.presence = presence;
        this.sessions = sessions;
        this.limit = limit;
    }

    Map<String, Object> take() {
        Page<Presence> present = presence.presencePage(0, limit, Optional.empty());
        Page<SessionViews.Admin> live = AdminSessionViews.read(sessions, 0, limit).live();
        return Json.fields(
                "presence", Json.fields("items", present.items(), "count", present.count()),
                "sessions", Json.fields("items", live.items(), "count", live.count()),
                "timestamp", System.currentTimeMillis());
    }
}
