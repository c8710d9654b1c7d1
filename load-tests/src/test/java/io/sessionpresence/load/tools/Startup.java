package io.sessionpresence.load.tools;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Start time and idle footprint of the service, per way of starting it: time from process start
 * to the first 200 of {@code /observe/health/ready} (polled every 5 ms from this one process, so
 * the probe itself adds no process spawns), RSS 1 s after that, and RSS idle 15 s after it: by
 * then the JIT has finished with the start's code and the launcher's native-heap trim (every 5 s)
 * has handed back what the compilers freed. Variants are interleaved round by round so that a
 * busy machine slows each alike; the medians are printed as a table.
 *
 * <p>Runs from source with no dependencies: {@code java Startup.java <image dir> <jar> <java> [rounds]}
 * ({@code load-tests/startup.sh} does that).
 */
public final class Startup {
    private record Variant(String name, List<String> command, Map<String, String> env) {
    }

    private record Sample(long millis, long rssKiB, long idleRssKiB) {
    }

    public static void main(String[] args) throws Exception {
        Path image = Path.of(args[0]).toAbsolutePath();
        String jar = Path.of(args[1]).toAbsolutePath().toString();
        String java = args[2];
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        String launcher = image.resolve("bin/session-presence").toString();
        List<Variant> variants = List.of(
                new Variant("image: jlink runtime + AOT cache + shipped options", List.of(launcher), Map.of()),
                new Variant("image without the AOT cache", List.of(launcher), Map.of("JAVA_OPTS", "-XX:AOTMode=off")),
                new Variant("java -jar (full JDK 25, JVM defaults)", List.of(java, "-jar", jar), Map.of()));
        Map<Variant, List<Sample>> samples = new LinkedHashMap<>();
        variants.forEach(v -> samples.put(v, new ArrayList<>()));
        for (int round = 1; round <= rounds; round++) {
            for (Variant variant : variants) {
                Sample sample = measure(variant);
                samples.get(variant).add(sample);
                System.err.printf("round %d, %s: %d ms, %d MiB, idle %d MiB%n", round, variant.name(), sample.millis(),
                        sample.rssKiB() / 1024, sample.idleRssKiB() / 1024);
            }
        }
        System.out.println("| start (memory store) | median ms to first 200 | median RSS 1 s after | median RSS idle (15 s) |");
        System.out.println("|---|---|---|---|");
        samples.forEach((variant, list) -> System.out.printf("| %s | %d | %d MiB | %d MiB |%n", variant.name(),
                median(list.stream().map(Sample::millis).toList()),
                median(list.stream().map(Sample::rssKiB).toList()) / 1024,
                median(list.stream().map(Sample::idleRssKiB).toList()) / 1024));
    }

    private static Sample measure(Variant variant) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder(variant.command()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(variant.env());
        builder.environment().putAll(Map.of("PORT", Integer.toString(port), "STORE", "memory"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        long started = System.nanoTime();
        Process process = builder.start();
        try {
            while (true) {
                try {
                    if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        break;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                if (!process.isAlive() || System.nanoTime() - started > TimeUnit.SECONDS.toNanos(60)) {
                    throw new IllegalStateException(variant.name() + " did not start");
                }
                Thread.sleep(5);
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            Thread.sleep(1000);
            long early = rssKiB(process.pid());
            Thread.sleep(14_000);
            return new Sample(millis, early, rssKiB(process.pid()));
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static long rssKiB(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(line -> line.startsWith("VmRSS:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", ""))).findFirst().orElse(-1);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
