package io.sessionpresence.session;

import java.util.List;
import java.util.Map;

import io.sessionpresence.store.ExpiringEntries;
import io.sessionpresence.store.Page;

/**
 * What the admin listings of sessions read ({@code /admin/sessions}, {@code /admin/sessions/redis},
 * the admin room's snapshot): a page of live sessions, the tracked activity of those sessions
 * (admins see a session's last activity as the newer of its own and its tracked one), and a page
 * of all tracked activity, at one offset and limit. {@link RedisSessionStore} reads the three in
 * one script per shard, sent at once (a session's tracked activity lives in its record's shard);
 * {@link #separately} reads them one after another, for a store with no round trips to save.
 */
@FunctionalInterface
public interface SessionListings {

    Listing listing(int offset, int limit);

    /**
     * @param live           live sessions, most recently expiring first
     * @param activityOfLive the stored tracked activity (JSON) of the sessions on {@code live} that have one, by session id
     * @param tracked        tracked activity entries (session id, stored JSON), most recently written first
     */
    record Listing(Page<Session> live, Map<String, String> activityOfLive, Page<Map.Entry<String, String>> tracked) {
    }

    /** The three reads one after another. */
    static SessionListings separately(SessionStore sessions, ExpiringEntries activity) {
        return (offset, limit) -> {
            Page<Session> live = sessions.page(offset, limit);
            List<String> ids = live.items().stream().map(Session::sessionId).toList();
            return new Listing(live, activity.getAll(ids), activity.newestFirst(offset, limit));
        };
    }
}
