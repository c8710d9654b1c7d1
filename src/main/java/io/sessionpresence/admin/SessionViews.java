package io.sessionpresence.admin;

import java.util.List;
import java.util.Map;

import io.sessionpresence.presence.PresenceService;
import io.sessionpresence.presence.SessionActivity;
import io.sessionpresence.session.Session;
import io.sessionpresence.session.SessionService;

/**
 * Live sessions as admins see them, in the HTTP listing and in the admin room's snapshot alike:
 * the session event's fields (never the token or its hash) plus {@code remember_me}, with
 * {@code last_activity} taken from tracked activity when that is newer.
 */
public final class SessionViews {
    private SessionViews() {
    }

    /** One extra read for the tracked activity of all of {@code live}, whatever their number. */
    public static List<Map<String, Object>> of(PresenceService presence, List<Session> live) {
        Map<String, SessionActivity> tracked = presence.activities(live.stream().map(Session::sessionId).toList());
        return live.stream().map(s -> {
            Map<String, Object> view = SessionService.sessionEvent("session", s);
            view.remove("type");
            view.put("remember_me", s.rememberMe());
            SessionActivity activity = tracked.get(s.sessionId());
            if (activity != null && activity.lastActivity() > s.lastActivity()) {
                view.put("last_activity", activity.lastActivity());
            }
            return view;
        }).toList();
    }
}
