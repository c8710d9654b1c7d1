package io.sessionpresence.realtime;

import java.nio.file.Path;
import java.util.Map;

import io.sessionpresence.testing.NodeProject;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestService;
import org.junit.jupiter.api.Test;

/**
 * The official Engine.IO and Socket.IO protocol test suites ({@code src/test/protocol}, copied
 * from socketio/engine.io-protocol and socketio/socket.io-protocol, run by mocha, pinned by
 * their package-lock.json) against the real service, with the timings the suites expect. Mocha
 * exits non-zero unless the failures are exactly those of {@code expected-failures.json}, each
 * failing as listed there.
 */
class ProtocolSuitesTest {
    /**
     * The timings of the suites' reference server (socket.io-protocol's README): pingInterval
     * 300, pingTimeout 200, and socket.io's default connect timeout, 45 s (also ours). With 1 s,
     * the "sends ping/pong packets" tests (three pings, some 900 ms, with no CONNECT) race it on
     * a busy machine.
     */
    private static final Map<String, String> SUITE_TIMINGS = Map.of("realtime.ping-interval-ms", "300",
            "realtime.ping-timeout-ms", "200", "realtime.connect-timeout-ms", "45000");

    private static final NodeProject SUITES = new NodeProject(Path.of("src", "test", "protocol"), "mocha", 180);

    @Test
    void officialSuitesFailOnlyAsListed() throws Exception {
        SUITES.installIfMissing();
        try (TestService service = TestService.start(StoreKind.MEMORY, SUITE_TIMINGS)) {
            SUITES.npmTest(Path.of("target", "protocol-suites.log").toAbsolutePath(),
                    Map.of("BASE_URL", "http://127.0.0.1:" + service.port()));
        }
    }
}
