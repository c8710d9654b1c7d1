package io.sessionpresence.testing;

import io.sessionpresence.store.MemoryLimits;
import io.sessionpresence.backend.MemoryBackend;

/**
 * What a unit test of the services builds them over: the memory backend's stores on a manual
 * clock, and the admin events they publish, recorded.
 */
public record MemoryStores(ManualClock clock, MemoryBackend backend, RecordingAdminEvents events) {
    public static MemoryStores onManualClock() {
        ManualClock clock = new ManualClock();
        return new MemoryStores(clock, new MemoryBackend(clock.timeSource(), MemoryLimits.heapShare()), new RecordingAdminEvents());
    }
}
