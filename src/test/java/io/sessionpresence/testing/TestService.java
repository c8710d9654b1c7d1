package io.sessionpresence.testing;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import io.sessionpresence.Main;
import io.sessionpresence.config.ConfigLoader;
import io.sessionpresence.store.TimeSource;

/**
 * The real service on a free port, started through {@link Main#start} with the chosen store, config
 * overrides and time, with the JDK HTTP client of {@link HttpTestClient} talking to it.
 */
public final class TestService extends HttpTestClient implements AutoCloseable {
    private final Main.Running running;
    private final Map<String, String> config;

    private TestService(Main.Running running, Map<String, String> config) {
        super(URI.create("http://127.0.0.1:" + running.port()));
        this.running = running;
        this.config = config;
    }

    /** The configuration every test service starts from: {@code store}, a free local port, an admin token. */
    public static Map<String, String> config(StoreKind store, Map<String, String> overrides) {
        Map<String, String> config = new HashMap<>(store.config());
        config.put("server.port", "0");
        config.put("server.host", "127.0.0.1");
        config.put("admin.token", "test-admin-token");
        config.putAll(overrides);
        return config;
    }

    /** On real time. */
    public static TestService start(StoreKind store, Map<String, String> overrides) {
        return start(config(store, overrides), TimeSource.system());
    }

    public static TestService start(StoreKind store) {
        return start(store, Map.of());
    }

    /**
     * On the memory store, on {@code clock}: sessions, presence and activity expire when the test
     * advances it. Redis has no such variant, since Redis ends its keys by its own clock.
     */
    public static TestService start(Map<String, String> overrides, ManualClock clock) {
        Map<String, String> config = config(StoreKind.MEMORY, overrides);
        if (!"memory".equals(config.get("store.type"))) {
            throw new IllegalArgumentException("a manual clock drives the memory store only, not "
                    + config.get("store.type"));
        }
        return start(config, clock.timeSource());
    }

    private static TestService start(Map<String, String> config, TimeSource time) {
        return new TestService(Main.start(ConfigLoader.load(Map.of(), config), time), config);
    }

    public Map<String, String> config() {
        return config;
    }

    public Main.Running running() {
        return running;
    }

    public int port() {
        return running.port();
    }

    @Override
    public void close() {
        running.close();
    }
}
