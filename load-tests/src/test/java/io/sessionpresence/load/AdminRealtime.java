package io.sessionpresence.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.substring;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;
import static io.gatling.javaapi.http.HttpDsl.ws;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gatling.http.action.ws.WsInboundMessage;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.sessionpresence.load.support.Api;
import io.sessionpresence.load.support.LatencyRecorder;
import io.sessionpresence.load.support.LoadConfig;
import io.sessionpresence.load.support.PhasedSimulation;

/**
 * {@code -Dadmins} admin connections (default 100; {@code -DsocketIoShare} of them, default half,
 * over Socket.IO v4 on a raw WebSocket, the rest on the plain {@code /ws} API) join the admin room
 * while users heartbeat at {@code -Drate}/s (default 1,000). Each heartbeat carries its send time
 * in {@code page}; each admin connection reads its {@code admin:presence:update} events and records
 * arrival minus send time: the heartbeat-to-admin delivery latency (client clock on both ends).
 * With the service's {@code realtime.coalesce-ms} on, events come batched as
 * {@code admin:presence:diff} (only a user's latest heartbeat per batch), which is read the same way.
 *
 * <p>Gatling cannot time an event that arrives on another connection, so the delivery latency is
 * recorded by the simulation itself and checked in {@link #after()} against the target (the run
 * fails, like a Gatling assertion, when it is missed); the heartbeat requests and the socket
 * connects carry ordinary Gatling assertions.
 */
public class AdminRealtime extends PhasedSimulation {
    private static final Pattern SENT_AT = Pattern.compile("\"page\":\"/t/(\\d+)\"");

    /** Keeps the events no check consumed for {@link #read}; answers Engine.IO pings ("2") with "3". */
    private static final HttpProtocolBuilder SOCKETS = Api.protocol()
            .wsUnmatchedInboundMessageBufferSize(1_000_000)
            .wsAutoReplySocketIo4();

    private final int admins = LoadConfig.integer("admins", 100);
    private final double socketIoShare = LoadConfig.decimal("socketIoShare", 0.5);
    private final int rate = LoadConfig.integer("rate", 1_000);
    private final int users = LoadConfig.integer("users", 1_000);
    /** What the service under test was started with (reported only: it is the service's setting). */
    private final int coalesceMs = LoadConfig.integer("coalesceMs", 0);
    private final LatencyRecorder delivery = new LatencyRecorder();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong measuredHeartbeats = new AtomicLong();
    private final AtomicBoolean done = new AtomicBoolean();
    private final CountDownLatch joinedAdmins = new CountDownLatch(admins);

    /** Records the delivery latency of every measured heartbeat in these events. */
    private Session read(List<WsInboundMessage> messages, Session session) {
        for (WsInboundMessage message : messages) {
            if (!(message instanceof WsInboundMessage.Text text)) {
                continue;
            }
            String body = text.message();
            if (!body.contains("admin:presence:update") && !body.contains("admin:presence:diff")) {
                continue;
            }
            Matcher m = SENT_AT.matcher(body);
            while (m.find()) {
                events.incrementAndGet();
                delivery.record(text.timestamp() - Long.parseLong(m.group(1)));
            }
        }
        return session;
    }

    /** Reads events until the heartbeats are done; Gatling closes the socket when the user ends. */
    private ChainBuilder listen(String name) {
        return asLongAs(session -> !done.get()).on(
                exec(ws.processUnmatchedMessages(name, this::read)).pause(Duration.ofMillis(100)))
                .exec(ws.processUnmatchedMessages(name, this::read));
    }

    /** The admin:snapshot every join of the admin room answers with. */
    private static io.gatling.javaapi.http.WsFrameCheck snapshot(String name) {
        return ws.checkTextMessage(name).matching(substring("admin:snapshot")).check(substring("admin:snapshot"));
    }

    private ChainBuilder joined() {
        return exec(session -> {
            joinedAdmins.countDown();
            return session;
        });
    }

    private PopulationBuilder plainAdmins(int count) {
        String join = "{\"event\":\"join-room\",\"data\":{\"room\":\"admin\"}}";
        // The credential in the first frame, as the dashboard sends it (not in the URL).
        String auth = "{\"event\":\"auth\",\"data\":{\"token\":\"" + LoadConfig.adminToken() + "\"}}";
        return scenario("ws admins")
                .exec(ws("ws connect", "admin").connect("/ws"))
                .exec(ws("ws auth", "admin").sendText(auth)
                        .await(Duration.ofSeconds(10)).on(ws.checkTextMessage("ws authenticated").check(
                                io.gatling.javaapi.core.CoreDsl.regex("\"event\":\"authenticated\""))))
                .exec(ws("ws join", "admin").sendText(join).await(Duration.ofSeconds(30)).on(snapshot("ws snapshot")))
                .exec(joined())
                .exec(listen("admin"))
                .injectOpen(atOnceUsers(count))
                .protocols(SOCKETS);
    }

    private PopulationBuilder socketIoAdmins(int count) {
        String auth = "40{\"token\":\"" + LoadConfig.adminToken() + "\"}";
        return scenario("socket.io admins")
                .exec(ws("sio connect", "sio").connect("/socket.io/?EIO=4&transport=websocket")
                        .await(Duration.ofSeconds(10)).on(ws.checkTextMessage("sio open").check(
                                io.gatling.javaapi.core.CoreDsl.regex("^0\\{"))))
                .exec(ws("sio auth", "sio").sendText(auth)
                        .await(Duration.ofSeconds(10)).on(ws.checkTextMessage("sio connected").check(
                                io.gatling.javaapi.core.CoreDsl.regex("^40"))))
                .exec(ws("sio join", "sio").sendText("42[\"join-room\",{\"room\":\"admin\"}]")
                        .await(Duration.ofSeconds(30)).on(snapshot("sio snapshot")))
                .exec(joined())
                .exec(listen("sio"))
                .injectOpen(atOnceUsers(count))
                .protocols(SOCKETS);
    }

    private PopulationBuilder heartbeats(String phase, String pagePrefix, Duration duration, boolean measured) {
        return scenario(phase)
                .exec(session -> {
                    if (measured) {
                        measuredHeartbeats.incrementAndGet();
                    }
                    return session.set("user", "lt-rt-" + (session.userId() % users));
                })
                .exec(http(phase + "/heartbeat").post("/api/heartbeat")
                        .body(StringBody(session -> "{\"user\":\"" + session.getString("user") + "\",\"page\":\""
                                + pagePrefix + System.currentTimeMillis() + "\"}"))
                        .check(status().is(200)))
                .injectOpen(constantUsersPerSec(rate).during(duration))
                .protocols(Api.sharedProtocol());
    }

    {
        int socketIo = (int) Math.round(admins * socketIoShare);
        metrics.put("delivery_setup", f("%d admin connections (%d Socket.IO, %d plain WebSocket), %d heartbeats/s%s",
                admins, socketIo, admins - socketIo, rate,
                coalesceMs > 0 ? f(", service started with realtime.coalesce-ms=%d", coalesceMs) : ""));
        PopulationBuilder drain = scenario("drain").pause(Duration.ofSeconds(2))
                .exec(session -> {
                    done.set(true);
                    return session;
                })
                .injectOpen(atOnceUsers(1));
        setUp(phases(
                new Phase("connect", scenario("wait for admins")
                        .asLongAs(session -> joinedAdmins.getCount() > 0).on(pause(Duration.ofMillis(100)))
                        .pause(Duration.ofSeconds(1))
                        .injectOpen(atOnceUsers(1)),
                        plainAdmins(admins - socketIo), socketIoAdmins(socketIo)),
                new Phase("warmup", heartbeats("warmup", "/w/", LoadConfig.warmup(), false)),
                new Phase("deliver", heartbeats("deliver", "/t/", LoadConfig.duration(), true)),
                new Phase("drain", drain)))
                .assertions(global().failedRequests().count().is(0L));
    }

    private static String f(String format, Object... args) {
        return String.format(java.util.Locale.ROOT, format, args);
    }

    @Override
    public void after() {
        long expected = measuredHeartbeats.get() * admins;
        metrics.put("delivery_ms", delivery.summary());
        metrics.put("delivery_expected_events", expected);
        metrics.put("delivery_target_p99_ms", targets.deliveryP99Ms());
        super.after();
        System.out.printf("Delivery: %d of %d expected events, p99 %d ms (target < %d ms)%n",
                events.get(), expected, delivery.percentile(99), targets.deliveryP99Ms());
        boolean held = delivery.count() > 0 && delivery.percentile(99) < targets.deliveryP99Ms();
        System.out.printf("admin delivery: 99th percentile of heartbeat-to-admin latency is less than %d.0 : %s "
                + "(actual : %d.0)%n", targets.deliveryP99Ms(), held, delivery.percentile(99));
        System.out.printf("admin delivery: delivered events are the expected %d.0 : %s (actual : %d.0)%n",
                expected, events.get() == expected, events.get());
    }
}
