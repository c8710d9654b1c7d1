package io.sessionpresence.testing;

import java.util.Map;

import io.helidon.webserver.http.HttpRouting;
import io.sessionpresence.store.MemoryLimits;
import io.sessionpresence.Main;
import io.sessionpresence.backend.MemoryBackend;
import io.sessionpresence.config.ConfigLoader;
import io.sessionpresence.metrics.ServiceMetrics;

/**
 * Main's HTTP routes over the memory store, for a test that needs the routes of one service
 * rather than the whole server: mounted from a {@code @SetUpRoute} method of Helidon's
 * {@code @ServerTest}, with the configuration a {@link TestService} would have and the test's
 * clock. No realtime endpoints, health checks or server options (the whole server has those).
 */
public final class TestRouting {
    private TestRouting() {
    }

    /** Registers every route of {@link Main#routing} on {@code routing}, built as {@link Main#start} builds them. */
    public static void mount(HttpRouting.Builder routing, Map<String, String> overrides, ManualClock clock) {
        MemoryBackend backend = new MemoryBackend(clock.timeSource(), MemoryLimits.heapShare());
        // No admin sockets here: events go nowhere, as on a server no admin has joined.
        Main.routing(routing, Main.Services.create(ConfigLoader.load(Map.of(),
                TestService.config(StoreKind.MEMORY, overrides)), backend, backend.adminEvents(event -> { }),
                ServiceMetrics.global()));
    }
}
