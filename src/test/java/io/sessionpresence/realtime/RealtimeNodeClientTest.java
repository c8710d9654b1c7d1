package io.sessionpresence.realtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.sessionpresence.testing.Executables;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestService;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the Node test file {@code src/test/node/realtime.test.mjs} (the stock socket.io-client,
 * pinned by its package-lock.json) against the real service, once per store. Node is required,
 * not optional: {@code .ci/run} installs it and runs {@code npm ci}; this test runs
 * {@code npm ci} itself when {@code node_modules} is missing.
 */
class RealtimeNodeClientTest {
    private static final Path PROJECT = Path.of("src", "test", "node");
    private static final long TIMEOUT_SECONDS = 120;

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void socketIoClientPassesAgainstTheService(StoreKind store) throws Exception {
        installClientIfMissing();
        try (TestService service = TestService.start(store, Map.of())) {
            Path log = Path.of("target", "node-tests-" + store.name().toLowerCase() + ".log");
            int exit = run(log, Map.of("BASE_URL", "http://127.0.0.1:" + service.port(),
                    "ADMIN_TOKEN", service.config().get("admin.token")), "node", "--test", "realtime.test.mjs");
            assertEquals(0, exit, "Node socket.io-client tests failed against the " + store + " store:\n"
                    + Files.readString(log));
        }
    }

    private static void installClientIfMissing() throws Exception {
        if (Files.isDirectory(PROJECT.resolve("node_modules").resolve("socket.io-client"))) {
            return;
        }
        Path log = Path.of("target", "npm-ci.log");
        int exit = run(log, Map.of(), "npm", "ci", "--no-audit", "--no-fund");
        assertEquals(0, exit, "npm ci in " + PROJECT + " failed:\n" + Files.readString(log));
    }

    private static int run(Path log, Map<String, String> env, String... command) throws IOException, InterruptedException {
        assertTrue(Executables.onPath(command[0]).isPresent(), "'" + command[0] + "' is not on PATH: the realtime tests need Node.js 20+ and npm "
                + "(Debian: apt-get install nodejs npm; .ci/run installs them)");
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(List.of(command))
                .directory(PROJECT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS
                    + " s:\n" + Files.readString(log));
        }
        return process.exitValue();
    }
}
