package io.sessionpresence.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionpresence.json.Json;

/**
 * A WebSocket client for tests (the JDK's {@link WebSocket}): every text message received is
 * queued, and {@link #closed} completes with the close code when the server closes or the
 * connection drops (-1 then). The JDK client answers pings by itself.
 */
public final class WsTestClient implements AutoCloseable {
    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final BlockingQueue<String> pongs = new LinkedBlockingQueue<>();
    private final WebSocket socket;

    private WsTestClient(URI uri, String... headers) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        try {
            socket = builder.buildAsync(uri, new Listener()).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("WebSocket upgrade failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Connects to {@code ws://127.0.0.1:<port><pathAndQuery>}. */
    public static WsTestClient connect(int port, String pathAndQuery, String... headers) {
        return new WsTestClient(URI.create("ws://127.0.0.1:" + port + pathAndQuery), headers);
    }

    /** An admin (by the test services' admin token) on {@code /ws}, in the admin room, past its snapshot. */
    public static WsTestClient admin(int port, Duration wait) {
        WsTestClient admin = connect(port, "/ws?token=test-admin-token");
        admin.send("{\"event\":\"join-room\",\"data\":{\"room\":\"admin\"}}");
        admin.nextEvent("admin:snapshot", wait);
        return admin;
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
            pongs.add(StandardCharsets.UTF_8.decode(message).toString());
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(-1);
        }
    }

    public void send(String text) {
        socket.sendText(text, true).join();
    }

    /** Sends a ping with {@code payload}; the payload of the pong that answers it, or null after {@code timeout}. */
    public String ping(String payload, Duration timeout) throws InterruptedException {
        socket.sendPing(ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8))).join();
        return pongs.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void sendBinary(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data), true).join();
    }

    /** The next message, or an assertion failure after {@code timeout}. */
    public String next(Duration timeout) {
        String message = poll(timeout);
        if (message == null) {
            throw new AssertionError("no message within " + timeout);
        }
        return message;
    }

    /** The next message, or null after {@code timeout}. */
    public String poll(Duration timeout) {
        try {
            return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next message matching {@code wanted}, skipping others (e.g. pings). */
    public String next(Predicate<String> wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching message within " + timeout);
            }
            String message = next(Duration.ofNanos(left));
            if (wanted.test(message)) {
                return message;
            }
        }
    }

    /**
     * Every message received until {@code done} holds for the list so far, in arrival order. Unlike
     * {@link #next(Predicate, Duration)} nothing is skipped, so messages whose relative order is not
     * defined can be awaited together and then counted.
     */
    public List<String> collectUntil(Predicate<List<String>> done, Duration timeout) {
        List<String> all = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(all)) {
            long left = deadline - System.nanoTime();
            String message = left > 0 ? poll(Duration.ofNanos(left)) : null;
            if (message == null) {
                throw new AssertionError("not all expected messages within " + timeout + "; received: " + all);
            }
            all.add(message);
        }
        return all;
    }

    /** The next {@code /ws} frame {@code {"event": name, ...}} with this name, as JSON. */
    public JsonNode nextEvent(String name, Duration timeout) {
        return nextJson(m -> name.equals(Json.read(m, JsonNode.class).path("event").asText()), timeout);
    }

    /** The next JSON message matching {@code wanted}. */
    public JsonNode nextJson(Predicate<String> wanted, Duration timeout) {
        return Json.read(next(wanted, timeout), JsonNode.class);
    }

    /**
     * Receives until each marker has appeared in some message, in any order (within {@code wait}),
     * and then until it has been quiet for {@code quiet}: each marker must occur exactly once.
     */
    public void assertEachOnce(List<String> markers, Duration wait, Duration quiet, String who) {
        List<String> received = new ArrayList<>(collectUntil(
                all -> markers.stream().allMatch(marker -> all.stream().anyMatch(m -> m.contains(marker))), wait));
        received.addAll(drain(quiet));
        for (String marker : markers) {
            long times = received.stream().filter(m -> m.contains(marker)).count();
            if (times != 1) {
                throw new AssertionError(who + ": exactly one " + marker + " expected, " + times + " in " + received);
            }
        }
    }

    /** Everything received until nothing more arrives for {@code quiet}. */
    public List<String> drain(Duration quiet) {
        List<String> all = new ArrayList<>();
        String message;
        while ((message = poll(quiet)) != null) {
            all.add(message);
        }
        return all;
    }

    /** Completes with the close code when the server ends the connection. */
    public CompletableFuture<Integer> closed() {
        return closed;
    }

    /**
     * Closes as a browser does, with a close frame (1000), and waits for the server's answer
     * ({@link #close} drops the TCP connection instead, which the server only notices when its
     * pings go unanswered).
     */
    public void closeNormally(Duration timeout) {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | InterruptedException | TimeoutException e) {
            throw new IllegalStateException("close not answered: " + e, e);
        }
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.abort();
        }
    }
}
