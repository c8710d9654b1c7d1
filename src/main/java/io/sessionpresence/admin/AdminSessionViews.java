package io.sessionpresence.admin;

import java.util.Map;

import io.sessionpresence.presence.SessionActivity;
import io.sessionpresence.session.SessionListings;
import io.sessionpresence.session.SessionViews;
import io.sessionpresence.store.Page;

/**
 * Live sessions as admins see them, in the HTTP listings and the admin room's snapshot alike,
 * with {@code last_activity} taken from tracked activity when that is newer, beside the page of
 * tracked activity read with them.
 *
 * @param live    live sessions, most recently expiring first
 * @param tracked tracked activity, most recently written first, at the same offset and limit
 */
public record AdminSessionViews(Page<SessionViews.Admin> live, Page<SessionActivity> tracked) {

    /** One read of {@code listings} (one round trip on Redis) at {@code offset} and {@code limit}. */
    public static AdminSessionViews read(SessionListings listings, int offset, int limit) {
        SessionListings.Listing listing = listings.listing(offset, limit);
        Map<String, String> activity = listing.activityOfLive();
        Page<SessionViews.Admin> live = listing.live().map(s -> {
            String stored = activity.get(s.sessionId());
            long tracked = stored == null ? 0 : SessionActivity.fromStored(s.sessionId(), stored).lastActivity();
            return SessionViews.Admin.of(s, Math.max(s.lastActivity(), tracked));
        });
        return new AdminSessionViews(live, Page.read(listing.tracked(), SessionActivity::fromStored));
    }
}
