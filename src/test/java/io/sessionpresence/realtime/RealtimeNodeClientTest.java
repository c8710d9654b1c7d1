package io.sessionpresence.realtime;

import java.nio.file.Path;
import java.util.Map;

import io.sessionpresence.testing.NodeProject;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestService;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs the Node test file {@code src/test/node/realtime.test.mjs} (the stock socket.io-client,
 * pinned by its package-lock.json) against the real service, once per store. Node is required,
 * not optional: {@code .ci/run} installs it and runs {@code npm ci}; this test runs
 * {@code npm ci} itself when {@code node_modules} is missing.
 */
class RealtimeNodeClientTest {
    private static final NodeProject NODE = new NodeProject(Path.of("src", "test", "node"), "socket.io-client", 120);

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void socketIoClientPassesAgainstTheService(StoreKind store) throws Exception {
        NODE.installIfMissing();
        try (TestService service = TestService.start(store, Map.of())) {
            NODE.test(Path.of("target", "node-tests-" + store.name().toLowerCase() + ".log").toAbsolutePath(),
                    Map.of("BASE_URL", "http://127.0.0.1:" + service.port(),
                            "ADMIN_TOKEN", service.config().get("admin.token")),
                    "realtime.test.mjs");
        }
    }
}
