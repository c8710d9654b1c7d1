package io.sessionpresence.admin;

import java.util.List;
import java.util.Map;

import io.sessionpresence.presence.PresenceService;
import io.sessionpresence.presence.SessionActivity;
import io.sessionpresence.session.Session;
import io.sessionpresence.session.SessionViews;

/**
 * Live sessions as admins see them, in the HTTP listings and the admin room's snapshot alike,
 * with {@code last_activity} taken from tracked activity when that is newer.
 */
public final class AdminSessionViews {
    private AdminSessionViews() {
    }

    /** One extra read for the tracked activity of all of {@code live}, whatever their number. */
    public static List<SessionViews.Admin> of(PresenceService presence, List<Session> live) {
        Map<String, SessionActivity> tracked = presence.activities(live.stream().map(Session::sessionId).toList());
        return live.stream().map(s -> {
            SessionActivity activity = tracked.get(s.sessionId());
            long lastActivity = activity == null ? s.lastActivity() : Math.max(s.lastActivity(), activity.lastActivity());
            return SessionViews.Admin.of(s, lastActivity);
        }).toList();
    }
}
