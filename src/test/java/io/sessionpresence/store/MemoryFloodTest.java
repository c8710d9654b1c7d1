package io.sessionpresence.store;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.sessionpresence.testing.ServiceProcess;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small container's heap against a flood: the service in its own process with a 128 MiB heap
 * and the Serial GC, memory store, default bounds (half the heap). 1 M anonymous heartbeats, then
 * 200,000 logins, every field at its longest, arrive at {@code flood.rate} per second (3,000: the
 * service then spends about half a core on them) on 64 keep-alive connections, while one real
 * user validates every 20 ms. The process must stay up, answer only 200 or 503 (the bound), and
 * keep answering the real user within a validate p99 of 50 ms. That takes 7 minutes; the flood
 * outlives the presence TTL (300 s), so the bound is reached, emptied by expiry and reached again.
 *
 * <p>{@code -Dflood.heartbeats=30000 -Dflood.creates=6000} is a quick run for trying things out:
 * nearly all filling, when the Serial GC's full collections of the growing old generation take
 * 30-120 ms, so it holds p99 under 500 ms only, a bound against stalls.
 */
class MemoryFloodTest {
    private static final String UA = "Mozilla/5.0 " + "u".repeat(500);
    private static final String PAGE = "/" + "p".repeat(2047);
    private static final Pattern TOKEN = Pattern.compile("\"session_token\":\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The real user's own client: the flood's connections would otherwise share its selector thread. */
    private final HttpClient realUserHttp = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aSmallHeapSurvivesAFloodOfMaximalEntries() throws Exception {
        int heartbeats = Integer.getInteger("flood.heartbeats", 1_000_000);
        int creates = Integer.getInteger("flood.creates", 200_000);
        int rate = Integer.getInteger("flood.rate", 3_000);
        try (ServiceProcess service = ServiceProcess.java(
                List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-Xss512k"),
                Map.of())) {
            String base = "http://127.0.0.1:" + service.port();
            Matcher created = TOKEN.matcher(send(create(base, "real-user")).body());
            assertTrue(created.find());
            String token = created.group(1);

            Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            AtomicBoolean flooding = new AtomicBoolean(true);
            List<Long> validateNanos = new ArrayList<>();
            List<Integer> realUserFailures = new ArrayList<>();
            Thread realUser = Thread.ofVirtual().start(() -> {
                while (flooding.get()) {
                    long started = System.nanoTime();
                    HttpResponse<String> res = send(realUserHttp, HttpRequest.newBuilder(URI.create(base
                            + "/api/session/validate")).header("X-Session-Token", token).GET()
                            .timeout(Duration.ofSeconds(10)).build());
                    validateNanos.add(System.nanoTime() - started);
                    if (res.statusCode() != 200) {
                        realUserFailures.add(res.statusCode());
                    }
                    sleep(20);
                }
            });
            long started = System.nanoTime();
            // 64 keep-alive connections, each sending its next request once it is due and its last
            // one answered: at most 64 in flight, a flood of clients that wait for their answers, not
            // of connections (the listener's connection limit is another test's subject). Requests
            // are written as bytes, so the test's own client leaves the service most of the CPU.
            AtomicInteger next = new AtomicInteger();
            int total = heartbeats + creates;
            try (ExecutorService connections = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int c = 0; c < 64; c++) {
                    connections.submit(() -> {
                        KeepAlive connection = new KeepAlive(service.port());
                        try {
                            for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                                // An open model: request i is due at i / rate whatever became of the
                                // earlier ones, as a flood from many clients would be.
                                long wait = started + i * 1_000_000_000L / rate - System.nanoTime();
                                if (wait > 0) {
                                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                                }
                                int status = connection.exchange(i < heartbeats ? rawHeartbeat(i) : rawCreate("flood-" + i));
                                statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                            }
                        } finally {
                            connection.close();
                        }
                        return null;
                    });
                }
            }
            flooding.set(false);
            realUser.join();
            long seconds = Math.max(1, (System.nanoTime() - started) / 1_000_000_000L);

            List<Long> sorted = validateNanos.stream().sorted().toList();
            double p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1) / 1e6;
            System.out.printf("memory flood, 128 MiB heap: %d heartbeats + %d logins at %d/s in %d s, statuses %s, "
                    + "real user's validate p99 %.1f ms over %d calls, RSS %d MiB, service CPU %d µs per request%n",
                    heartbeats, creates, rate, seconds, statuses, p99, sorted.size(), service.rssKiB() / 1024,
                    service.process().info().totalCpuDuration().orElse(Duration.ZERO).toNanos() / 1000 / (heartbeats + creates));
            assertTrue(service.process().isAlive(), "the process died:\n" + service.output());
            assertEquals(List.of(), realUserFailures, "every validate of the real user answered 200");
            assertTrue(statuses.keySet().stream().allMatch(s -> s == 200 || s == 503),
                    "only 200 or 503: " + statuses);
            assertTrue(statuses.getOrDefault(503, new AtomicInteger()).get() > 0, "the bound was reached: " + statuses);
            assertTrue(p99 < (heartbeats >= 1_000_000 ? 50 : 500), "validate p99 " + p99 + " ms");
            assertEquals(200, send(HttpRequest.newBuilder(URI.create(base + "/api/session/validate"))
                    .header("X-Session-Token", token).GET().build()).statusCode());
            assertTrue(!service.output().contains("OutOfMemoryError"), service.output());
        }
    }

    private static byte[] rawHeartbeat(int i) {
        String body = "{\"user\":\"" + String.format("%0256d", i) + "\",\"page\":\"" + PAGE + "\"}";
        return request("/api/heartbeat", "", body);
    }

    private static byte[] rawCreate(String user) {
        return request("/api/session/create", "Authorization: Bearer dev:" + padded(user) + "\r\n", "{\"remember_me\":true}");
    }

    private static byte[] request(String path, String headers, String body) {
        return ("POST " + path + " HTTP/1.1\r\nHost: flood\r\nUser-Agent: " + UA + "\r\n" + headers
                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static String padded(String user) {
        return (user + "-" + "x".repeat(256)).substring(0, 256);
    }

    private static HttpRequest create(String base, String user) {
        return HttpRequest.newBuilder(URI.create(base + "/api/session/create")).header("User-Agent", UA)
                .header("Authorization", "Bearer dev:" + padded(user)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"remember_me\":true}")).build();
    }

    private HttpResponse<String> send(HttpRequest request) {
        return send(http, request);
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(request.uri() + ": " + e, e);
        }
    }

    /**
     * One keep-alive connection that sends a request and reads its answer; it connects again when
     * the server closes it.
     */
    private static final class KeepAlive implements AutoCloseable {
        private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)");
        private final int port;
        private Socket socket;
        private BufferedInputStream in;

        KeepAlive(int port) {
            this.port = port;
        }

        /** Sends {@code request} and returns the answer's status, once its body is read. */
        int exchange(byte[] request) throws IOException {
            if (socket == null) {
                socket = new Socket("127.0.0.1", port);
                socket.setSoTimeout(30_000);
                in = new BufferedInputStream(socket.getInputStream(), 8192);
            }
            socket.getOutputStream().write(request);
            StringBuilder head = new StringBuilder();
            while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed mid-answer: " + head);
                }
                head.append((char) b);
            }
            Matcher length = CONTENT_LENGTH.matcher(head);
            in.skipNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0);
            if (head.toString().toLowerCase(Locale.ROOT).contains("\r\nconnection: close")) {
                close();
            }
            return Integer.parseInt(head.substring(9, 12));
        }

        @Override
        public void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // gone already
                }
                socket = null;
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
