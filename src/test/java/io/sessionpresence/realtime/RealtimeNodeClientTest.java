package io.sessionpresence.realtime;

import java.nio.file.Path;
import java.util.Map;

import io.sessionpresence.testing.NodeProject;
import io.sessionpresence.testing.PerStoreServiceTest;
import org.junit.jupiter.api.Test;

/**
 * Runs the Node test file {@code src/test/node/realtime.test.mjs} (the stock socket.io-client,
 * pinned by its package-lock.json) against the real service, once per store. Node is required,
 * not optional: {@code .ci/run} installs it and runs {@code npm ci}; this test runs
 * {@code npm ci} itself when {@code node_modules} is missing.
 */
class RealtimeNodeClientTest extends PerStoreServiceTest {
    private static final NodeProject NODE = new NodeProject(Path.of("src", "test", "node"), "socket.io-client", 120);

    @Test
    void socketIoClientPassesAgainstTheService() throws Exception {
        NODE.installIfMissing();
        NODE.test(Path.of("target", "node-tests-" + store.name().toLowerCase() + ".log").toAbsolutePath(),
                Map.of("BASE_URL", "http://127.0.0.1:" + service.port(),
                        "ADMIN_TOKEN", service.config().get("admin.token")),
                "realtime.test.mjs");
    }
}
