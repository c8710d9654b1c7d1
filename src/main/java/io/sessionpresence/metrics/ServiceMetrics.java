package io.sessionpresence.metrics;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.DistributionStatisticsConfig;
import io.helidon.metrics.api.DistributionSummary;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

/**
 * Every meter of the service, named here and nowhere else. Names are dotted; the Prometheus
 * output turns the dots into underscores and adds the unit: counters end in {@code _total},
 * timers are histograms in {@code _seconds}; so {@code session_presence.sessions.created} is
 * scraped as {@code session_presence_sessions_created_total}. Timers and the batch-size summary
 * publish fixed buckets and no quantiles: buckets add up across instances, quantiles do not, and
 * quantiles cost a sliding window on every record.
 *
 * <p>Counters are shared by name in the registry: in the one service a process runs, each counts
 * that service; tests that start several services in one JVM read differences. A gauge reads
 * the state of one service, so the service started last replaces the gauges of any earlier one
 * in the same JVM, and {@link #close} removes a service's gauges that are still its own.
 */
public final class ServiceMetrics implements AutoCloseable {
    private static final String PREFIX = "session_presence.";
    private static final String TRANSPORT = "transport";
    /** 100 µs to 1 s: a validate answered from memory up to a Redis call at its timeout's scale. */
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofNanos(100_000), Duration.ofNanos(250_000),
            Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1)};

    /** Instead of Helidon's default quantiles (0.5 to 0.999), which every timer would otherwise publish. */
    private static final double[] NO_QUANTILES = {};

    private final MeterRegistry registry;
    private final Counter sessionsCreated;
    private final Counter sessionsRefreshed;
    private final Counter sessionsRevoked;
    private final Counter sessionsExpired;
    private final Timer validate;
    private final Map<Channel, Counter> heartbeats = new EnumMap<>(Channel.class);
    private final Map<Channel, Counter> storeErrors = new EnumMap<>(Channel.class);
    private final Map<Channel, Counter> droppedMessages = new EnumMap<>(Channel.class);
    private final Map<Channel, AtomicInteger> connections = new EnumMap<>(Channel.class);
    private final AtomicInteger openConnections = new AtomicInteger();
    private final Counter connectionsRefusedServerFull;
    private final Counter connectionsRefusedAddressFull;
    private final Counter adminEventsReceived;
    private final Counter adminEventsDelivered;
    private final DistributionSummary redisBatchSize;
    private final Counter nearCacheHits;
    private final Counter nearCacheMisses;
    private final Counter nearCacheRenewed;
    /** Request timers by route pattern, then by method: filled as routes are first seen. */
    private final Map<String, Map<String, Timer>> requests = new ConcurrentHashMap<>();
    private final List<Meter> gauges = new CopyOnWriteArrayList<>();

    public ServiceMetrics(MeterRegistry registry) {
        this.registry = registry;
        sessionsCreated = counter("sessions.created", "Sessions created");
        sessionsRefreshed = counter("sessions.refreshed", "Sessions refreshed");
        sessionsRevoked = counter("sessions.revoked",
                "Sessions ended before their deadline: logout, logout-all, revoke, admin terminate, per-user limit");
        sessionsExpired = counter("sessions.expired",
                "Sessions that expired (deadline or idle), as this instance observed (with Redis, every instance observes each)");
        validate = registry.getOrCreate(Timer.builder(PREFIX + "validate")
                .description("Session token validations (every route and socket that presents a session token)")
                .buckets(LATENCY_BUCKETS)
                .percentiles(NO_QUANTILES));
        for (Channel channel : Channel.values()) {
            heartbeats.put(channel, counter("heartbeats", "Presence heartbeats received", channel));
            storeErrors.put(channel, counter("store.errors",
                    "Requests (http: answered 503), socket events and socket connections that failed because the "
                            + "store did not answer", channel));
            if (channel != Channel.HTTP) {
                droppedMessages.put(channel, counter("socket.messages.dropped",
                        "Messages to a socket dropped because its client did not keep up (realtime.overflow)", channel));
                AtomicInteger open = new AtomicInteger();
                connections.put(channel, open);
                gauge(Gauge.builder(PREFIX + "socket.connections", open, AtomicInteger::get)
                        .description("Socket clients connected to this instance (one that vanishes without a close "
                                + "frame counts until its missed pongs drop it)")
                        .addTag(Metrics.tag(TRANSPORT, channel.label())));
            }
        }
        gauge(Gauge.builder(PREFIX + "connections.open", openConnections, AtomicInteger::get)
                .description("HTTP connections open on the service port (WebSocket and long-polling included)"));
        connectionsRefusedServerFull = connectionsRefused("server_full");
        connectionsRefusedAddressFull = connectionsRefused("address_full");
        adminEventsReceived = counter("admin.events.received",
                "Admin events that reached this instance's admin room: every event published by any instance sharing the store");
        adminEventsDelivered = counter("admin.events.delivered",
                "Admin events queued to this instance's admin sockets (one per event and socket)");
        redisBatchSize = registry.getOrCreate(DistributionSummary.builder(PREFIX + "redis.batch.size")
                .description("Calls sent together in one Redis round trip (validate, heartbeat)")
                .distributionStatisticsConfig(DistributionStatisticsConfig.builder()
                        .buckets(1, 2, 4, 8, 16, 32, 64, 128)
                        .percentiles(NO_QUANTILES)));
        nearCacheHits = nearCache("hit");
        nearCacheMisses = nearCache("miss");
        nearCacheRenewed = nearCache("renewed");
    }

    /** The near cache of validates ({@code session.near-cache-ms}); absent while it is off. */
    public record NearCache(Counter hits, Counter misses, Counter renewed) {
    }

    /** On the registry whose meters {@code /observe/metrics} shows. */
    public static ServiceMetrics global() {
        return new ServiceMetrics(Metrics.globalRegistry());
    }

    /** Gauges of what the store holds, read at each scrape (a round trip each, on Redis). */
    public void watchStore(LongSupplier activeSessions, LongSupplier presenceEntries) {
        gauge(Gauge.builder(PREFIX + "sessions.active", activeSessions::getAsLong)
                .description("Live sessions in the store"));
        gauge(Gauge.builder(PREFIX + "presence.entries", presenceEntries::getAsLong)
                .description("Present visitors in the store: one entry per user, address and user agent"));
    }

    public Counter sessionsCreated() {
        return sessionsCreated;
    }

    public Counter sessionsRefreshed() {
        return sessionsRefreshed;
    }

    public Counter sessionsRevoked() {
        return sessionsRevoked;
    }

    public Counter sessionsExpired() {
        return sessionsExpired;
    }

    public Timer validate() {
        return validate;
    }

    public Counter heartbeats(Channel channel) {
        return heartbeats.get(channel);
    }

    public Counter storeErrors(Channel channel) {
        return storeErrors.get(channel);
    }

    /** @param channel {@link Channel#WS} or {@link Channel#SOCKETIO} */
    public Counter droppedMessages(Channel channel) {
        return droppedMessages.get(channel);
    }

    /** The clients connected on {@code channel} ({@link Channel#WS} or {@link Channel#SOCKETIO}), a gauge. */
    public AtomicInteger connections(Channel channel) {
        return connections.get(channel);
    }

    /** The HTTP connections open on the service port, a gauge. */
    public AtomicInteger openConnections() {
        return openConnections;
    }

    /** @param perAddress refused at the bound of one address, else at the bound in all */
    public Counter connectionsRefused(boolean perAddress) {
        return perAddress ? connectionsRefusedAddressFull : connectionsRefusedServerFull;
    }

    public Counter adminEventsReceived() {
        return adminEventsReceived;
    }

    public Counter adminEventsDelivered() {
        return adminEventsDelivered;
    }

    public DistributionSummary redisBatchSize() {
        return redisBatchSize;
    }

    public NearCache nearCache() {
        return new NearCache(nearCacheHits, nearCacheMisses, nearCacheRenewed);
    }

    /**
     * The latency timer of one route ({@code route}: the pattern it matched, e.g.
     * {@code /api/session/{session_id}}, so that ids never become labels) and method. Looked up
     * without allocating once the pair has been seen.
     */
    public Timer request(String route, String method) {
        Map<String, Timer> byMethod = requests.get(route);
        if (byMethod == null) {
            byMethod = requests.computeIfAbsent(route, r -> new ConcurrentHashMap<>());
        }
        Timer timer = byMethod.get(method);
        if (timer == null) {
            timer = byMethod.computeIfAbsent(method, m -> registry.getOrCreate(Timer.builder(PREFIX + "http.requests")
                    .description("HTTP requests by route and method, until the response was sent")
                    .addTag(Metrics.tag("route", route))
                    .addTag(Metrics.tag("method", m))
                    .buckets(LATENCY_BUCKETS)
                    .percentiles(NO_QUANTILES)));
        }
        return timer;
    }

    @Override
    public void close() {
        for (Meter gauge : gauges) {
            registry.gauge(gauge.id().name(), gauge.id().tags()).filter(current -> current == gauge)
                    .ifPresent(registry::remove);
        }
        gauges.clear();
    }

    private Counter connectionsRefused(String reason) {
        return registry.getOrCreate(Counter.builder(PREFIX + "connections.refused")
                .description("HTTP connections refused at once: server_full at server.max-tcp-connections open "
                        + "(answered 503), address_full at connections.max-per-address open from the client's "
                        + "address (answered 429)")
                .addTag(Metrics.tag("reason", reason)));
    }

    private Counter nearCache(String result) {
        return registry.getOrCreate(Counter.builder(PREFIX + "near.cache")
                .description("The near cache of validates (session.near-cache-ms): hit = answered from it, miss = read "
                        + "from the store on the request, renewed = read again in the background while in use")
                .addTag(Metrics.tag("result", result)));
    }

    private Counter counter(String name, String description) {
        return registry.getOrCreate(Counter.builder(PREFIX + name).description(description));
    }

    private Counter counter(String name, String description, Channel channel) {
        return registry.getOrCreate(Counter.builder(PREFIX + name).description(description)
                .addTag(Metrics.tag(TRANSPORT, channel.label())));
    }

    /** Registers a gauge of this service in place of one of the same name and tags (another service in this JVM). */
    private <N extends Number> void gauge(Gauge.Builder<N> builder) {
        List<Tag> tags = builder.tags().entrySet().stream()
                .map(tag -> Metrics.tag(tag.getKey(), tag.getValue()))
                .toList();
        registry.gauge(builder.name(), tags).ifPresent(registry::remove);
        gauges.add(registry.getOrCreate(builder));
    }
}
