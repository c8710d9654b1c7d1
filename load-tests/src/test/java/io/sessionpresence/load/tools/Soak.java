package io.sessionpresence.load.tools;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A long mixed load that must leave the service where it found it: {@code sockets} realtime
 * connections (half plain {@code /ws}, half Socket.IO over WebSocket, each with its own session,
 * a heartbeat every {@code heartbeatSeconds}), and beside them an HTTP mix at {@code rate}
 * requests/s (login, validates, a heartbeat with the session, refresh, logout; anonymous
 * heartbeats). Every {@code window} seconds it samples the service process: heap after a full GC
 * ({@code jcmd GC.run}, then {@code GC.heap_info}), threads and open file descriptors
 * ({@code /proc}), RSS, and the window's HTTP p99 and errors. Prints one Markdown row per window.
 *
 * <p>With {@code --assert}: no failed request, every socket still open at the end, and flat
 * resources, the last window against the first (after warm-up): heap after GC within 25% or
 * 16 MiB, threads within 8, descriptors within 16; p99 of every window under 250 ms.
 *
 * <p>Runs from source with no dependencies:
 * {@code java Soak.java <base url> <service pid> <seconds> <window> <sockets> <rate> [--assert]}
 * ({@code load-tests/soak.sh} does that).
 */
public final class Soak {
    /** Each heap line of {@code GC.heap_info}: one for G1, one per generation for Serial and Parallel (not Metaspace). */
    private static final Pattern HEAP_USED = Pattern.compile("(?m)^\\s*[\\w-]+(?: heap)?\\s+total \\d+K, used (\\d+)K");
    private static final String JSON = "application/json";

    private record Sample(long second, long requests, double p99Millis, long errors, long heapAfterGcKiB,
                          long threads, long fds, long rssKiB, int openSockets) {
    }

    private final URI base;
    private final long pid;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicInteger openSockets = new AtomicInteger();
    private final AtomicInteger nextUser = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> failureLog = new ConcurrentLinkedQueue<>();

    private Soak(URI base, long pid) {
        this.base = base;
        this.pid = pid;
    }

    public static void main(String[] args) throws Exception {
        // Idle client connections close after 20 s: the service's descriptor count then follows
        // the load's concurrency instead of keeping every connection a latency spike once opened.
        System.setProperty("jdk.httpclient.keepalive.timeout", "20");
        Soak soak = new Soak(URI.create(args[0]), Long.parseLong(args[1]));
        long seconds = Long.parseLong(args[2]);
        long window = Long.parseLong(args[3]);
        int sockets = Integer.parseInt(args[4]);
        int rate = Integer.parseInt(args[5]);
        boolean check = Arrays.asList(args).contains("--assert");
        System.exit(soak.run(seconds, window, sockets, rate, check) ? 0 : 1);
    }

    private boolean run(long seconds, long window, int socketCount, int rate, boolean check) throws Exception {
        List<WebSocket> sockets = new ArrayList<>();
        for (int i = 0; i < socketCount; i++) {
            sockets.add(openSocket(i % 2 == 0));
        }
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
        var load = Executors.newVirtualThreadPerTaskExecutor();
        // The HTTP mix: one cycle is 8 requests; cycles start evenly at rate/8 per second.
        long cyclePeriodMicros = 8_000_000L / Math.max(1, rate);
        timers.scheduleAtFixedRate(() -> load.submit(this::cycle), 0, cyclePeriodMicros, TimeUnit.MICROSECONDS);
        int heartbeatSeconds = 10;
        for (int i = 0; i < sockets.size(); i++) {
            WebSocket socket = sockets.get(i);
            boolean ws = i % 2 == 0;
            timers.scheduleAtFixedRate(() -> socket.sendText(ws
                            ? "{\"event\":\"user:heartbeat\",\"data\":{\"page\":\"/soak\"}}"
                            : "42[\"user:heartbeat\",{\"page\":\"/soak\"}]", true),
                    (i * 1000L * heartbeatSeconds) / sockets.size(), heartbeatSeconds * 1000L, TimeUnit.MILLISECONDS);
        }
        System.out.println("| s | requests | p99 ms | errors | heap after GC MiB | threads | fds | RSS MiB | sockets open |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        List<Sample> samples = new ArrayList<>();
        long start = System.nanoTime();
        for (long at = window; at <= seconds; at += window) {
            Thread.sleep(Math.max(0, start + TimeUnit.SECONDS.toNanos(at) - System.nanoTime()) / 1_000_000);
            Sample sample = sample(at);
            samples.add(sample);
            System.out.printf("| %d | %d | %.1f | %d | %.1f | %d | %d | %d | %d |%n", sample.second(), sample.requests(),
                    sample.p99Millis(), sample.errors(), sample.heapAfterGcKiB() / 1024.0, sample.threads(),
                    sample.fds(), sample.rssKiB() / 1024, sample.openSockets());
        }
        timers.shutdownNow();
        load.shutdownNow();
        failureLog.stream().limit(10).forEach(f -> System.err.println("failed: " + f));
        return !check || verdict(samples, socketCount);
    }

    /** Login, three validates, a heartbeat with the session, refresh, logout, and one anonymous heartbeat: 8 requests. */
    private void cycle() {
        String user = "soak-" + nextUser.incrementAndGet();
        String token = login(user);
        if (token == null) {
            return;
        }
        for (int i = 0; i < 3; i++) {
            call("GET", "/api/session/validate", null, token, 200);
        }
        call("POST", "/api/heartbeat", "{\"page\":\"/soak\"}", token, 200);
        call("POST", "/api/session/refresh", null, token, 200);
        call("POST", "/api/session/logout", null, token, 200);
        call("POST", "/api/heartbeat", "{\"user\":\"anon-" + (nextUser.get() % 5000) + "\",\"page\":\"/a\"}", null, 200);
    }

    private String login(String user) {
        HttpResponse<String> res = call("POST", "/api/session/create", "{}", null, 200, "Authorization", "Bearer dev:" + user);
        if (res == null) {
            return null;
        }
        Matcher m = Pattern.compile("\"session_token\":\"([^\"]+)\"").matcher(res.body());
        return m.find() ? m.group(1) : null;
    }

    private HttpResponse<String> call(String method, String path, String body, String token, int expected,
                                      String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", JSON);
        if (token != null) {
            request.header("X-Session-Token", token);
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        long started = System.nanoTime();
        try {
            HttpResponse<String> res = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            latencies.add(System.nanoTime() - started);
            requests.incrementAndGet();
            if (res.statusCode() != expected) {
                fail(method + " " + path + " -> " + res.statusCode() + " " + res.body());
                return null;
            }
            return res;
        } catch (IOException | InterruptedException e) {
            requests.incrementAndGet();
            fail(method + " " + path + " -> " + e);
            return null;
        }
    }

    private void fail(String what) {
        errors.incrementAndGet();
        if (failureLog.size() < 100) {
            failureLog.add(what);
        }
    }

    /** A socket with a session of its own: {@code /ws} authenticates in its first frame, Socket.IO in its CONNECT. */
    private WebSocket openSocket(boolean plain) throws Exception {
        String token = login("soak-socket-" + nextUser.incrementAndGet());
        if (token == null) {
            throw new IllegalStateException("no session for a socket: " + failureLog.peek());
        }
        String ws = "ws" + base.toString().substring(4);
        URI uri = URI.create(ws + (plain ? "/ws" : "/socket.io/?EIO=4&transport=websocket"));
        CompletableFuture<Void> ready = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public void onOpen(WebSocket socket) {
                openSockets.incrementAndGet();
                if (plain) {
                    socket.sendText("{\"event\":\"auth\",\"data\":{\"session_token\":\"" + token + "\"}}", true);
                    ready.complete(null);
                }
                socket.request(1);
            }

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                String text = data.toString();
                if (!plain && text.startsWith("0{")) {
                    socket.sendText("40{\"session_token\":\"" + token + "\"}", true);
                } else if (!plain && text.startsWith("40")) {
                    ready.complete(null);
                } else if (!plain && text.equals("2")) {
                    socket.sendText("3", true);
                } else if (text.contains("\"error\"") || text.startsWith("44")) {
                    fail("socket: " + text);
                }
                socket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
                openSockets.decrementAndGet();
                fail("socket closed " + code + " " + reason);
                return null;
            }

            @Override
            public void onError(WebSocket socket, Throwable error) {
                openSockets.decrementAndGet();
                fail("socket error " + error);
            }
        };
        WebSocket socket = http.newWebSocketBuilder().buildAsync(uri, listener).get(10, TimeUnit.SECONDS);
        ready.get(10, TimeUnit.SECONDS);
        return socket;
    }

    private Sample sample(long second) throws Exception {
        long[] window = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        latencies.clear();
        double p99 = window.length == 0 ? 0 : window[(int) Math.min(window.length - 1, Math.ceil(window.length * 0.99) - 1)] / 1e6;
        long windowRequests = requests.getAndSet(0);
        long windowErrors = errors.getAndSet(0);
        jcmd("GC.run");
        Matcher used = HEAP_USED.matcher(jcmd("GC.heap_info"));
        long heap = 0;
        while (used.find()) {
            heap += Long.parseLong(used.group(1));
        }
        long fds;
        try (var list = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            fds = list.count();
        }
        return new Sample(second, windowRequests, p99, windowErrors, heap, status("Threads"), fds, status("VmRSS"),
                openSockets.get());
    }

    private long status(String field) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(l -> l.startsWith(field + ":"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                .findFirst().orElse(-1);
    }

    private String jcmd(String command) throws Exception {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        process.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    private boolean verdict(List<Sample> samples, int socketCount) {
        List<String> broken = new ArrayList<>();
        long totalErrors = samples.stream().mapToLong(Sample::errors).sum();
        if (totalErrors > 0) {
            broken.add(totalErrors + " failed requests or socket errors");
        }
        Sample first = samples.getFirst();
        Sample last = samples.getLast();
        if (last.openSockets() != socketCount) {
            broken.add(last.openSockets() + " of " + socketCount + " sockets open at the end");
        }
        if (last.heapAfterGcKiB() > Math.max(first.heapAfterGcKiB() * 1.25, first.heapAfterGcKiB() + 16 * 1024)) {
            broken.add("heap after GC grew from " + first.heapAfterGcKiB() / 1024 + " to " + last.heapAfterGcKiB() / 1024 + " MiB");
        }
        if (last.threads() > first.threads() + 8) {
            broken.add("threads grew from " + first.threads() + " to " + last.threads());
        }
        if (last.fds() > first.fds() + 16) {
            broken.add("file descriptors grew from " + first.fds() + " to " + last.fds());
        }
        samples.stream().filter(s -> s.p99Millis() > 250)
                .forEach(s -> broken.add("p99 " + s.p99Millis() + " ms at " + s.second() + " s"));
        broken.forEach(b -> System.err.println("soak: NOT FLAT: " + b));
        if (broken.isEmpty()) {
            System.err.println("soak: flat (" + samples.size() + " windows, " + socketCount + " sockets)");
        }
        return broken.isEmpty();
    }
}
