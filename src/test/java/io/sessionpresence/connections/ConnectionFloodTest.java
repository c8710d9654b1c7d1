package io.sessionpresence.connections;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import io.sessionpresence.testing.ServiceProcess;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Thousands of idle connections from one client, against the service in its own process at
 * {@code ulimit -n 1024} (the test JVM's own limit cannot be lowered): Helidon's listener would
 * die at the descriptor limit; with {@code server.max-tcp-connections} kept below it, the port
 * stays open, other clients are answered once the idle timeout frees a connection, and right
 * after the flood. Without that margin the listener dies, and the process exits for its
 * supervisor to restart it.
 */
class ConnectionFloodTest {
    private static final int FLOOD = 3000;
    private static final Map<String, String> SHORT_IDLE = Map.of(
            "SERVER_IDLE_CONNECTION_TIMEOUT", "PT2S",
            "SERVER_IDLE_CONNECTION_PERIOD", "PT0.5S");
    /** Idle timeout, a check period, and slack for a busy machine. */
    private static final Duration ANSWERED_WITHIN = Duration.ofSeconds(8);

    @Test
    void aFloodOfIdleConnectionsNeverClosesThePort() throws Exception {
        try (ServiceProcess service = ServiceProcess.java(1024, List.of("-Xmx256m"), SHORT_IDLE)) {
            Flood flood = Flood.open(service.port(), FLOOD);
            try {
                assertTrue(flood.connected() > 768, "the flood got in: " + flood.connected());
                long started = System.nanoTime();
                int status = validate(service.port(), ANSWERED_WITHIN);
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                System.out.printf("during a flood of %d (%d connected): validate %d in %d ms, %d files open%n",
                        FLOOD, flood.connected(), status, took.toMillis(), service.openFiles());
                assertEquals(401, status);
                assertTrue(service.openFiles() < 1024, "below the limit: " + service.openFiles());
            } finally {
                flood.close();
            }
            long started = System.nanoTime();
            assertEquals(401, validate(service.port(), Duration.ofSeconds(1)));
            System.out.printf("after the flood: validate in %d ms%n", (System.nanoTime() - started) / 1_000_000);
            assertTrue(service.alive());
            assertTrue(service.log().stream().noneMatch(line -> line.contains("terminating")), "listener alive");
        }
    }

    @Test
    void withoutTheReserveTheListenerDiesAndTheProcessExits() throws Exception {
        Map<String, String> environment = new HashMap<>(SHORT_IDLE);
        environment.putAll(Map.of("CONNECTIONS_DESCRIPTOR_RESERVE", "0", "SERVER_MAX_TCP_CONNECTIONS", "-1"));
        try (ServiceProcess service = ServiceProcess.java(1024, List.of("-Xmx256m"), environment)) {
            Flood flood = Flood.open(service.port(), 1500);
            try {
                OptionalInt status = service.exitStatus(Duration.ofSeconds(20));
                assertEquals(OptionalInt.of(4), status, "exit status; log: " + tail(service.log()));
                assertTrue(service.log().stream().anyMatch(line -> line.contains("Too many open files")));
            } finally {
                flood.close();
            }
        }
    }

    private static String tail(List<String> log) {
        return String.join("\n", log.subList(Math.max(0, log.size() - 20), log.size()));
    }

    /** Status of a validate without a token (401), on a new connection, within {@code limit}. */
    private static int validate(int port, Duration limit) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(limit).build()) {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/session/validate"))
                    .timeout(limit).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    /** Idle connections opened at once (the ones the server's accept queue cannot take time out). */
    private record Flood(ConcurrentLinkedQueue<Socket> sockets, int connected) implements AutoCloseable {
        static Flood open(int port, int count) throws InterruptedException {
            ConcurrentLinkedQueue<Socket> sockets = new ConcurrentLinkedQueue<>();
            AtomicInteger connected = new AtomicInteger();
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < count; i++) {
                    threads.submit(() -> {
                        Socket socket = new Socket();
                        sockets.add(socket);
                        try {
                            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                            connected.incrementAndGet();
                        } catch (IOException e) {
                            // refused or timed out: the server's accept queue is full
                        }
                    });
                }
            }
            return new Flood(sockets, connected.get());
        }

        @Override
        public void close() {
            sockets.forEach(socket -> {
                try {
                    socket.close();
                } catch (IOException e) {
                    // already gone
                }
            });
        }
    }
}
