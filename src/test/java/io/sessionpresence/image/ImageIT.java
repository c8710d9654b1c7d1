package io.sessionpresence.image;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.sessionpresence.testing.ServiceProcess;
import io.sessionpresence.testing.TestRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Starts the service exactly as the container does: {@code bin/session-presence} of the
 * {@code target/image/} layout (jlink runtime, app, AOT cache, shipped JVM options), copied
 * elsewhere first as the Dockerfile's {@code COPY} does. {@code -XX:AOTMode=on} makes the JVM
 * refuse to start unless the AOT cache is used, so a cache that no longer matches the runtime or
 * the classpath fails here instead of silently costing the start-up time it was built to save.
 * Prints the start time and RSS it measured (the README's figures come from
 * {@code load-tests/image-startup.sh}, which repeats this).
 */
class ImageIT {
    private static final Path IMAGE = Path.of("target", "image");
    private static final long MIB = 1024 * 1024;
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void runtimeAndAppStayUnderTheirSizeBudget() throws IOException {
        long runtime = size(IMAGE.resolve("runtime"));
        long app = size(IMAGE.resolve("app")) - Files.size(IMAGE.resolve("app/app.aot"));
        System.out.printf("image: runtime %d MiB, app + libs %d MiB, AOT cache %d MiB%n", runtime / MIB, app / MIB,
                Files.size(IMAGE.resolve("app/app.aot")) / MIB);
        assertTrue(runtime + app < 80 * MIB, "runtime + app + libs = " + (runtime + app) / MIB + " MiB, budget 80 MiB");
        String release = Files.readString(IMAGE.resolve("runtime/release"));
        assertTrue(release.contains("JAVA_VERSION=\"25"), release);
        assertTrue(!release.contains("java.desktop") && !release.contains("jdk.compiler"), release);
    }

    @Test
    void servesSessionsFromTheRelocatedLayoutOnTheMemoryStore(@TempDir Path dir) throws Exception {
        exercise(relocated(dir), Map.of("STORE", "memory"));
    }

    @Test
    void servesSessionsFromTheRelocatedLayoutOnRedis(@TempDir Path dir) throws Exception {
        exercise(relocated(dir), Map.of("STORE", "redis", "REDIS_URL", TestRedis.shared().url(),
                "REDIS_KEY_PREFIX", "image-it:"));
    }

    private void exercise(Path image, Map<String, String> env) throws Exception {
        Map<String, String> all = new HashMap<>(env);
        all.putAll(Map.of("PORT", "0", "ADMIN_TOKEN", "image-test-admin-token-0123456789abcdef",
                "JAVA_OPTS", "-XX:AOTMode=on"));
        long started = System.nanoTime();
        ServiceProcess service = ServiceProcess.start(List.of(image.resolve("bin/session-presence").toString()), all);
        Process process = service.process();
        try {
            String base = "http://127.0.0.1:" + service.port();
            int health = get(base + "/observe/health/ready", Map.of()).statusCode();
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(200, health);
            System.out.printf("image (%s): first 200 after %d ms, RSS %d MiB%n", env.get("STORE"), millis,
                    service.rssKiB() / 1024);

            String created = send(HttpRequest.newBuilder(URI.create(base + "/api/session/create"))
                    .header("Authorization", "Bearer dev:image-user")
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))).body();
            Matcher token = Pattern.compile("\"session_token\":\"([^\"]+)\"").matcher(created);
            assertTrue(token.find(), created);
            HttpResponse<String> valid = get(base + "/api/session/validate", Map.of("X-Session-Token", token.group(1)));
            assertEquals(200, valid.statusCode(), valid.body());
            assertTrue(valid.body().contains("\"user_id\":\"image-user\""), valid.body());
            HttpResponse<String> beat = send(HttpRequest.newBuilder(URI.create(base + "/api/heartbeat"))
                    .header("X-Session-Token", token.group(1))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"page\":\"/image\"}")));
            assertEquals(200, beat.statusCode(), beat.body());
            HttpResponse<String> presence = get(base + "/admin/presence",
                    Map.of("Authorization", "Bearer image-test-admin-token-0123456789abcdef"));
            assertTrue(presence.body().contains("\"page\":\"/image\""), presence.body());
            assertTrue(get(base + "/observe/metrics", Map.of()).body().contains("jvm_uptime_seconds"));
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("the service did not stop within 10 s of SIGTERM:\n" + service.output());
            }
        }
    }

    /** A copy of the layout in a new place, modification times kept, as a container build copies it. */
    private static Path relocated(Path dir) throws Exception {
        assertTrue(Files.isExecutable(IMAGE.resolve("bin/session-presence")),
                "target/image is missing: build it with mvn -B -Pimage package");
        Path copy = dir.resolve("app");
        Process cp = new ProcessBuilder("cp", "-a", IMAGE.toAbsolutePath().toString(), copy.toString())
                .inheritIO().start();
        assertEquals(0, cp.waitFor());
        return copy;
    }

    private HttpResponse<String> get(String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        headers.forEach(request::header);
        return send(request);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }
}
