package io.sessionpresence.web;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import io.sessionpresence.testing.NodeProject;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestService;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The browser tests: {@code src/test/browser/*.test.mjs} (node:test, playwright-core driving
 * Debian's headless Chromium, never a downloaded browser) against the real service — the admin
 * dashboard, heartbeat.js, session-client.js, the example page and the example Chrome extension
 * (loaded with --load-extension). Screenshots go to {@code target/browser-screenshots/}, the
 * Node output to {@code target/browser-tests.log}.
 *
 * <p>Needs {@code /usr/bin/chromium} (or {@code CHROMIUM}) and Node 20+; {@code .ci/run}
 * installs both and runs {@code npm ci}.
 */
class BrowserTest {
    private static final NodeProject BROWSER_TESTS = new NodeProject(Path.of("src", "test", "browser"), "playwright-core", 240);
    private static final Path EXTENSION = Path.of("examples", "chrome-extension");

    @Test
    void dashboardModulesAndExtensionPassInHeadlessChromium() throws Exception {
        Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        assertTrue(Files.isExecutable(chromium), chromium + " is missing: the browser tests need Chromium "
                + "(Debian: apt-get install chromium; .ci/run installs it)");
        BROWSER_TESTS.installIfMissing();
        Path extension = EXTENSION.toRealPath();
        String extensionId = unpackedExtensionId(extension);
        try (TestService service = TestService.start(StoreKind.MEMORY,
                Map.of("cors.allowed-origins", "chrome-extension://" + extensionId))) {
            BROWSER_TESTS.test(Path.of("target", "browser-tests.log").toAbsolutePath(), Map.of(
                    "BASE_URL", "http://127.0.0.1:" + service.port(),
                    "ADMIN_TOKEN", service.config().get("admin.token"),
                    "CHROMIUM", chromium.toString(),
                    "SCREENSHOT_DIR", Path.of("target", "browser-screenshots").toAbsolutePath().toString(),
                    "EXTENSION_DIR", extension.toString(),
                    "EXTENSION_ID", extensionId));
        }
        assertTrue(Files.size(Path.of("target", "browser-screenshots", "admin-dashboard.png")) > 0);
    }

    @Test
    void unpackedExtensionIdIsDerivedFromItsPath() throws Exception {
        // Checked against Chromium 156: an extension loaded from /tmp/spike/ext got this id.
        assertEquals("enfoodnipgmcgigagddhaebeonhofiln", unpackedExtensionId(Path.of("/tmp/spike/ext")));
    }

    /**
     * The id Chromium gives an unpacked extension without a "key": the first 128 bits of the
     * SHA-256 of its absolute path, each hex digit 0-f written as a letter a-p. The service's CORS
     * list needs it before Chromium starts.
     */
    static String unpackedExtensionId(Path dir) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(dir.toString().getBytes(StandardCharsets.UTF_8));
        StringBuilder id = new StringBuilder();
        for (char hex : HexFormat.of().formatHex(hash, 0, 16).toCharArray()) {
            id.append((char) ('a' + Character.digit(hex, 16)));
        }
        return id.toString();
    }
}
