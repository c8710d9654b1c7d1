package io.sessionpresence.realtime;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

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
 *
 * <p>Joins that come together share one read: when every dashboard reconnects at once (a
 * restart, a network blip) the store reads one snapshot at a time for all that are waiting, not
 * one each. 100 joins at once each read their own before (two page scripts over every presence
 * bucket each) and queued the heartbeats behind them on Redis for ~0.6 s. A join only shares a
 * read that starts after it joined, so no event falls between its snapshot and its events.
 */
final class AdminSnapshot {
    static final String EVENT = "admin:snapshot";

    private final Supplier<Map<String, Object>> reader;
    /** One read at a time; whoever holds it reads for every join waiting on {@link #waiting}. */
    private final ReentrantLock reading = new ReentrantLock();
    /** The joins waiting for a read that has not started yet. Guarded by this. */
    private CompletableFuture<Map<String, Object>> waiting;

    AdminSnapshot(PresenceService presence, SessionListings sessions, int limit) {
        this(() -> read(presence, sessions, limit));
    }

    /** @param reader reads one snapshot from the store */
    AdminSnapshot(Supplier<Map<String, Object>> reader) {
        this.reader = reader;
    }

    /** A snapshot read after this call began, shared with the joins that wait at the same time. */
    Map<String, Object> take() {
        CompletableFuture<Map<String, Object>> round;
        synchronized (this) {
            if (waiting == null) {
                waiting = new CompletableFuture<>();
            }
            round = waiting;
        }
        reading.lock();
        try {
            if (!round.isDone()) {
                synchronized (this) {
                    waiting = null;
                }
                try {
                    round.complete(reader.get());
                } catch (RuntimeException e) {
                    round.completeExceptionally(e);
                }
            }
        } finally {
            reading.unlock();
        }
        try {
            return round.join();
        } catch (CompletionException e) {
            throw (RuntimeException) e.getCause();
        }
    }

    private static Map<String, Object> read(PresenceService presence, SessionListings sessions, int limit) {
        Page<Presence> present = presence.presencePage(0, limit, Optional.empty());
        Page<SessionViews.Admin> live = AdminSessionViews.read(sessions, 0, limit).live();
        return Json.fields(
                "presence", Json.fields("items", present.items(), "count", present.count()),
                "sessions", Json.fields("items", live.items(), "count", live.count()),
                "timestamp", System.currentTimeMillis());
    }
}
