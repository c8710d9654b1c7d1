package io.sessionpresence.realtime.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.sessionpresence.metrics.Channel;
import io.sessionpresence.metrics.ServiceMetrics;
import io.sessionpresence.testing.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The frames {@link WsChannel} writes itself, read by the JDK's WebSocket client: messages queued
 * before the writer starts all go out in one write, across every payload-length encoding of
 * RFC 6455 (7-bit, 16-bit, 64-bit) and multi-byte UTF-8, whole and in order; a client's ping is
 * answered while that writer runs.
 */
class WsChannelTest {
    private static final List<String> MESSAGES = messages();
    private static WebServer server;

    private static List<String> messages() {
        List<String> all = new ArrayList<>(List.of("", "a", "x".repeat(125), "x".repeat(126),
                "y".repeat(65_535), "z".repeat(65_536), "é€😀".repeat(30_000)));
        for (int i = 0; i < 500; i++) {
            all.add("{\"event\":\"n\",\"data\":" + i + "}");
        }
        return List.copyOf(all);
    }

    /** Queues every message, then starts the writer: its first drain takes them all. */
    private static final class Burst implements WsListener {
        private WsChannel channel;

        @Override
        public void onOpen(WsSession session) {
            channel = new WsChannel(session, "test");
            Outbox outbox = new Outbox(MESSAGES.size(), Overflow.DISCONNECT, "test",
                    ServiceMetrics.global().droppedMessages(Channel.WS));
            MESSAGES.forEach(outbox::offer);
            channel.startWriter(outbox, e -> { });
        }

        @Override
        public void onPing(WsSession session, BufferData buffer) {
            channel.pong(buffer);
        }
    }

    @BeforeAll
    static void start() {
        server = WebServer.builder().host("127.0.0.1").port(0)
                .addRouting(WsRouting.builder().endpoint("/burst", Burst::new))
                .build().start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void queuedMessagesArriveWholeAndInOrder() {
        try (WsTestClient client = WsTestClient.connect(server.port(), "/burst")) {
            List<String> received = new ArrayList<>();
            for (int i = 0; i < MESSAGES.size(); i++) {
                received.add(client.next(Duration.ofSeconds(5)));
            }
            assertEquals(MESSAGES, received);
        }
    }

    @Test
    void aClientPingIsAnswered() throws InterruptedException {
        try (WsTestClient client = WsTestClient.connect(server.port(), "/burst")) {
            assertEquals("are you there", client.ping("are you there", Duration.ofSeconds(5)));
            for (String expected : MESSAGES) {
                assertEquals(expected, client.next(Duration.ofSeconds(5)));
            }
        }
    }
}
