package io.sessionpresence.backend;

import java.time.InstantSource;
import java.util.function.Consumer;

import io.sessionpresence.cache.MemoryUserCacheStore;
import io.sessionpresence.cache.UserCacheStore;
import io.sessionpresence.events.AdminEvent;
import io.sessionpresence.events.AdminEvents;
import io.sessionpresence.events.LocalAdminEvents;
import io.sessionpresence.limits.SharedLimiters;
import io.sessionpresence.session.MemorySessionStore;
import io.sessionpresence.session.SessionListings;
import io.sessionpresence.session.SessionStore;
import io.sessionpresence.store.ConnectionOwners;
import io.sessionpresence.store.ExpiringEntries;
import io.sessionpresence.store.MemoryBudget;
import io.sessionpresence.store.MemoryExpiringEntries;
import io.sessionpresence.store.MemoryLimits;
import io.sessionpresence.store.MemoryStoreStats;
import io.sessionpresence.store.StoreStats;
import io.sessionpresence.store.TimeSource;

/**
 * Everything in this process (Caffeine): one instance, nothing to connect to, lost on restart.
 * Every cache expires on the given {@link TimeSource}, so a test that advances its clock sees
 * sessions, presence and activity expire, and their events published, without waiting.
 */
public final class MemoryBackend implements Backend {
    private final TimeSource time;
    private final MemoryBudget budget;

    public MemoryBackend(TimeSource time, MemoryLimits limits) {
        this.time = time;
        this.budget = new MemoryBudget(limits);
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public InstantSource clock() {
        return time.clock();
    }

    @Override
    public SessionStore sessionStore(long idleTimeoutMillis, AdminEvents events) {
        return new MemorySessionStore(idleTimeoutMillis, time, budget, events);
    }

    @Override
    public UserCacheStore userCache() {
        return new MemoryUserCacheStore(time, budget);
    }

    @Override
    public AdminEvents adminEvents(Consumer<AdminEvent> room, Runnable subscribed) {
        return new LocalAdminEvents(room);
    }

    @Override
    public SharedLimiters sharedLimiters() {
        return SharedLimiters.LOCAL;
    }

    @Override
    public ExpiringEntries presenceEntries(AdminEvents events) {
        return new MemoryExpiringEntries(events, time, budget);
    }

    @Override
    public ExpiringEntries activityEntries(AdminEvents events) {
        return new MemoryExpiringEntries(events, time, budget);
    }

    @Override
    public SessionListings sessionListings(SessionStore sessions, ExpiringEntries activity) {
        return SessionListings.separately(sessions, activity);
    }

    @Override
    public StoreStats stats() {
        return new MemoryStoreStats();
    }

    @Override
    public ConnectionOwners connectionOwners() {
        return ConnectionOwners.LOCAL;
    }

    @Override
    public boolean answers() {
        return true;
    }

    @Override
    public void close() {
    }
}
