package io.sessionpresence.backend;

import java.util.function.Consumer;

import io.sessionpresence.cache.MemoryUserCacheStore;
import io.sessionpresence.cache.UserCacheStore;
import io.sessionpresence.events.AdminEvent;
import io.sessionpresence.events.AdminEvents;
import io.sessionpresence.events.LocalAdminEvents;
import io.sessionpresence.session.MemorySessionStore;
import io.sessionpresence.session.SessionStore;
import io.sessionpresence.store.ExpiringEntries;
import io.sessionpresence.store.MemoryExpiringEntries;
import io.sessionpresence.store.MemoryStoreStats;
import io.sessionpresence.store.StoreStats;

/** Everything in this process (Caffeine): one instance, nothing to connect to, lost on restart. */
public final class MemoryBackend implements Backend {
    @Override
    public String name() {
        return "memory";
    }

    @Override
    public SessionStore sessionStore(long idleTimeoutMillis) {
        return new MemorySessionStore(idleTimeoutMillis);
    }

    @Override
    public UserCacheStore userCache() {
        return new MemoryUserCacheStore();
    }

    @Override
    public AdminEvents adminEvents(Consumer<AdminEvent> room) {
        return new LocalAdminEvents(room);
    }

    @Override
    public ExpiringEntries presenceEntries(AdminEvents events) {
        return new MemoryExpiringEntries(events);
    }

    @Override
    public ExpiringEntries activityEntries(AdminEvents events) {
        return new MemoryExpiringEntries(events);
    }

    @Override
    public StoreStats stats() {
        return new MemoryStoreStats();
    }

    @Override
    public boolean answers() {
        return true;
    }

    @Override
    public void close() {
    }
}
