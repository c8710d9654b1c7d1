package io.sessionpresence.presence;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.sessionpresence.auth.IdentityVerifier;
import io.sessionpresence.events.AdminEvent;
import io.sessionpresence.events.AdminEvents;
import io.sessionpresence.http.ApiException;
import io.sessionpresence.json.Json;
import io.sessionpresence.session.Session;
import io.sessionpresence.store.ExpiringEntries;
import io.sessionpresence.store.Page;

/**
 * Live presence ({@code user|ip} entries, each with its own TTL) and tracked session activity,
 * with the admin events they cause. Unlike the presence tracker, one active user never keeps anyone else's
 * stale entry alive: every entry expires on its own.
 */
public final class PresenceService {
    /** Filtered listings read the newest-first index in chunks of this many entries. */
    private static final int SCAN_CHUNK = 500;

    private final ExpiringEntries presence;
    private final ExpiringEntries activity;
    private final PresenceSettings settings;
    private final AdminEvents events;
    private final InstantSource clock;

    /** @param clock what entries are stamped with and expire by: the clock of both stores */
    public PresenceService(ExpiringEntries presence, ExpiringEntries activity, PresenceSettings settings,
                           AdminEvents events, InstantSource clock) {
        this.presence = presence;
        this.activity = activity;
        this.settings = settings;
        this.events = events;
        this.clock = clock;
        presence.onExpired((key, value) ->
                events.publishLocal(presenceEvent("user_expired", Presence.fromStored(key, value))));
    }

    /**
     * Applies the identity rule: a valid session names the user and wins over the client's claim;
     * without one, the claim is accepted (unverified) only while anonymous presence is allowed.
     */
    public Visitor visitor(Optional<Session> session, Optional<String> claimedUser, String ip, String ua) {
        if (session.isPresent()) {
            return new Visitor(session.get().userId(), session.get().sessionId(), true, ip, ua);
        }
        // Never trimmed: the user is stored and listed exactly as sent, or refused.
        String claimed = claimedUser.filter(u -> !u.isEmpty())
                .orElseThrow(() -> ApiException.badRequest("User required"));
        if (claimed.isBlank()) {
            throw ApiException.badRequest("User must not be only whitespace");
        }
        if (!IdentityVerifier.isValidUserId(claimed)) {
            throw ApiException.badRequest("User must be 1-256 characters without control characters");
        }
        if (!settings.allowAnonymous()) {
            throw ApiException.unauthorized("A session is required (X-Session-Token); anonymous presence is off");
        }
        return new Visitor(claimed, null, false, ip, ua);
    }

    public Presence heartbeat(Visitor visitor, String page) {
        return record(visitor, page, "user_activity");
    }

    public Presence login(Visitor visitor) {
        return record(visitor, "/", "user_login");
    }

    public void logout(Visitor visitor) {
        Presence gone = new Presence(visitor.user(), visitor.ip(), visitor.ua(), "", clock.millis(),
                visitor.verified());
        presence.remove(gone.key());
        events.publish(new AdminEvent(AdminEvents.PRESENCE_UPDATE,
                Json.fields("type", "user_logout", "user", gone.user(), "ip", gone.ip())));
    }

    /**
     * Ends the visitor's presence only if it has one, and announces {@code user_logout} only then:
     * for the sockets of a session that ended, so that however many there are, on any instance,
     * admins hear of it once (removal is atomic in both stores). True if there was an entry.
     */
    public boolean leave(Visitor visitor) {
        String key = new Presence(visitor.user(), visitor.ip(), visitor.ua(), "", 0, visitor.verified()).key();
        if (presence.remove(key).isEmpty()) {
            return false;
        }
        // Its removal finds nothing now; it announces the leave as a logout does.
        logout(visitor);
        return true;
    }

    private Presence record(Visitor visitor, String page, String type) {
        String safePage = page == null ? "" : page;
        if (safePage.length() > HeartbeatBody.MAX_PAGE) {
            throw ApiException.badRequest("Field 'page' is longer than " + HeartbeatBody.MAX_PAGE + " characters");
        }
        Presence entry = new Presence(visitor.user(), visitor.ip(), visitor.ua(), safePage,
                clock.millis(), visitor.verified());
        presence.put(entry.key(), entry.stored(), entry.lastSeen() + settings.ttlSeconds() * 1000,
                presenceEvent(type, entry));
        return entry;
    }

    /** Records session activity under {@code id} (for a verified visitor, the id of its own session). */
    public SessionActivity recordActivity(Visitor visitor, String id) {
        SessionActivity entry = new SessionActivity(id, visitor.user(), visitor.ip(), visitor.ua(),
                clock.millis(), visitor.verified());
        Map<String, Object> data = Json.fields("type", "session_activity", "sid", id, "session_id", id,
                "user", entry.user(), "ip", entry.ip(), "ua", entry.ua(), "last_activity", entry.lastActivity(),
                "verified", entry.verified());
        activity.put(id, entry.stored(), entry.lastActivity() + settings.activityTtlSeconds() * 1000,
                new AdminEvent(AdminEvents.SESSIONS_UPDATE, data));
        return entry;
    }

    /** Removes the tracked activity of {@code sid}; the entry removed, if there was one. */
    public Optional<SessionActivity> endActivity(String sid) {
        return activity.remove(sid).map(value -> SessionActivity.fromStored(sid, value));
    }

    /** Newest first; with a page filter, only entries on that page (count is then the matches). */
    public Page<Presence> presencePage(int cursor, int limit, Optional<String> pageFilter) {
        if (pageFilter.isEmpty()) {
            return Page.read(presence.newestFirst(cursor, limit), Presence::fromStored);
        }
        List<Presence> matches = new ArrayList<>();
        for (int offset = 0; ; offset += SCAN_CHUNK) {
            List<Map.Entry<String, String>> chunk = presence.newestFirst(offset, SCAN_CHUNK).items();
            chunk.stream().map(e -> Presence.fromStored(e.getKey(), e.getValue()))
                    .filter(p -> p.page().equals(pageFilter.get()))
                    .forEach(matches::add);
            if (chunk.size() < SCAN_CHUNK) {
                break;
            }
        }
        List<Presence> items = matches.subList(Math.min(cursor, matches.size()),
                Math.min(cursor + limit, matches.size()));
        return Page.of(List.copyOf(items), matches.size(), cursor);
    }

    public long presentCount() {
        return presence.count();
    }

    public long activityCount() {
        return activity.count();
    }

    private static AdminEvent presenceEvent(String type, Presence p) {
        return new AdminEvent(AdminEvents.PRESENCE_UPDATE, Json.fields("type", type, "user", p.user(), "ip", p.ip(),
                "ua", p.ua(), "page", p.page(), "lastSeen", p.lastSeen(), "verified", p.verified()));
    }
}
