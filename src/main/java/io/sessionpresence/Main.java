package io.sessionpresence;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.ObserveFeatureConfig;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.websocket.WsRouting;
import io.sessionpresence.admin.AdminRoutes;
import io.sessionpresence.admin.SessionTerminator;
import io.sessionpresence.auth.AdminAuth;
import io.sessionpresence.auth.IdentitySettings;
import io.sessionpresence.auth.IdentityVerifier;
import io.sessionpresence.backend.Backend;
import io.sessionpresence.cache.CacheRoutes;
import io.sessionpresence.cache.UserCacheService;
import io.sessionpresence.config.ConfigLoader;
import io.sessionpresence.config.InvalidConfigException;
import io.sessionpresence.config.Settings;
import io.sessionpresence.config.StartupRules;
import io.sessionpresence.connections.ConnectionGuard;
import io.sessionpresence.connections.ConnectionSettings;
import io.sessionpresence.events.AdminEvents;
import io.sessionpresence.http.AccessLog;
import io.sessionpresence.http.AddressRanges;
import io.sessionpresence.http.ClientInfo;
import io.sessionpresence.http.Cors;
import io.sessionpresence.http.ErrorHandlers;
import io.sessionpresence.http.OpenApiDocument;
import io.sessionpresence.http.Origins;
import io.sessionpresence.http.RequestIds;
import io.sessionpresence.http.RequestTimer;
import io.sessionpresence.http.SecurityHeaders;
import io.sessionpresence.limits.Limits;
import io.sessionpresence.logging.LibraryLogLimit;
import io.sessionpresence.logging.LogFormat;
import io.sessionpresence.metrics.Channel;
import io.sessionpresence.metrics.ServiceMetrics;
import io.sessionpresence.presence.ActivityRoutes;
import io.sessionpresence.presence.HttpVisitors;
import io.sessionpresence.presence.PresenceFilter;
import io.sessionpresence.presence.PresenceRoutes;
import io.sessionpresence.presence.PresenceService;
import io.sessionpresence.presence.PresenceSettings;
import io.sessionpresence.realtime.Gateway;
import io.sessionpresence.realtime.Realtime;
import io.sessionpresence.realtime.socketio.SocketIoEndpoint;
import io.sessionpresence.realtime.ws.WsEndpoint;
import io.sessionpresence.session.SessionAuth;
import io.sessionpresence.session.SessionListings;
import io.sessionpresence.session.SessionRoutes;
import io.sessionpresence.session.SessionService;
import io.sessionpresence.session.ValidatedSessions;
import io.sessionpresence.session.SessionSettings;
import io.sessionpresence.session.SessionStore;
import io.sessionpresence.shutdown.GracefulShutdown;
import io.sessionpresence.shutdown.ShutdownSettings;
import io.sessionpresence.store.ExpiringEntries;
import io.sessionpresence.store.MemoryLimits;
import io.sessionpresence.store.RedisSettings;
import io.sessionpresence.store.StoreStats;
import io.sessionpresence.store.TimeSource;
import io.sessionpresence.web.WebContent;

/**
 * Reads the configuration, builds the stores and services, registers every route, and starts the
 * web server. Nothing is discovered by reflection: what runs is what is wired here. {@link #main}
 * calls {@link #start}, which picks the {@link Backend}, builds the {@link Services} and mounts
 * them with {@link #routing} (HTTP) and {@link #sockets} (Socket.IO and {@code /ws}); tests start
 * the service through the same methods.
 */
public final class Main {
    private static final Logger LOG = Logger.getLogger(Main.class.getName());
    /** The listener of {@code /observe/*} when {@code server.management-port} is set. */
    public static final String MANAGEMENT_SOCKET = "management";

    /** A started service: its server and what to close with it. */
    public record Running(WebServer server, Backend backend, Realtime realtime, ServiceMetrics metrics,
                          GracefulShutdown shutdown)
            implements AutoCloseable {
        public int port() {
            return server.port();
        }

        /**
         * Sockets first, while the server still writes their close frames (stopping it cuts
         * WebSockets without one), then the server (requests in progress finish), then the stores
         * those requests used.
         */
        private void stop(Duration socketsWait) {
            realtime.goAway(socketsWait);
            server.stop();
            realtime.close();
            backend.close();
            metrics.close();
        }

        @Override
        public void close() {
            stop(Duration.ZERO);
        }
    }

    /**
     * The services and the settings the routes need, built once from the configuration and the
     * backend.
     */
    public record Services(String storeName, SessionService sessions, SessionListings sessionListings,
                           SessionAuth sessionAuth, PresenceService presence, SessionTerminator terminator,
                           UserCacheService userCache, StoreStats stats, IdentityVerifier identity, AdminAuth adminAuth,
                           ClientInfo clients, Limits limits, ServiceMetrics metrics, List<String> corsOrigins, List<String> trackedPaths,
                           long maxBodyBytes) {

        /**
         * @param events  where the services announce what admins should see live
         * @param metrics where they count what happens; it watches the store's figures from now on
         */
        public static Services create(Config config, Backend backend, AdminEvents events, ServiceMetrics metrics) {
            return create(config, backend, events, metrics, ValidatedSessions.off());
        }

        /** @param validated the near cache of validates, fed by {@code events}' subscription */
        public static Services create(Config config, Backend backend, AdminEvents events, ServiceMetrics metrics,
                                      ValidatedSessions validated) {
            SessionSettings sessionSettings = SessionSettings.from(config);
            PresenceSettings presenceSettings = PresenceSettings.from(config);
            IdentityVerifier identity = IdentitySettings.from(config).verifier();
            AdminAuth adminAuth = new AdminAuth(Settings.string(config, "admin.token"),
                    Set.copyOf(Settings.list(config, "admin.users")));
            if (identity.mode().equals("dev")) {
                LOG.warning("IDENTITY MODE IS 'dev': anyone can create a session for any user with "
                        + "'Authorization: Bearer dev:<user>'. Set IDENTITY_MODE=jwks or hs256 in production.");
            }
            if (!adminAuth.enabled()) {
                LOG.warning("ADMIN_TOKEN is not set: the admin API and the admin room are disabled.");
            }
            SessionStore sessionStore = backend.sessionStore(sessionSettings.idleTimeoutMillis(), events);
            ExpiringEntries activity = backend.activityEntries(events);
            SessionService sessions = new SessionService(sessionStore, sessionSettings, events, backend.clock(), metrics,
                    validated);
            PresenceService presence = new PresenceService(backend.presenceEntries(events), activity, presenceSettings,
                    events, backend.clock());
            metrics.watchStore(sessions::countSessions, presence::presentCount);
            ClientInfo clients = new ClientInfo(AddressRanges.setting(config, "presence.trusted-proxies"));
            Limits limits = Limits.from(config, backend.sharedLimiters());
            return new Services(backend.name(), sessions, backend.sessionListings(sessionStore, activity),
                    new SessionAuth(sessions, limits, clients), presence,
                    new SessionTerminator(sessions, presence),
                    new UserCacheService(backend.userCache(), Settings.seconds(config, "cache.ttl", 1)), backend.stats(),
                    identity, adminAuth, clients, limits, metrics,
                    Settings.list(config, "cors.allowed-origins"), presenceSettings.trackedPaths(),
                    Settings.longValue(config, "server.max-payload-size", 1));
        }
    }

    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        try {
            Config config = ConfigLoader.load();
            // Helidon's own components (metrics, observe) read this one: left unset, the service
            // registry builds a config of its own from the classpath and the environment (~45 ms).
            Config.global(config);
            LogFormat.named(Settings.oneOf(config, "logging.format", "text", "json")).install();
            LibraryLogLimit.install();
            Running running = start(config);
            running.shutdown().onExit(() -> running.stop(running.shutdown().settings().socketsWait()));
        } catch (InvalidConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        } catch (IllegalStateException e) {
            System.err.println("Startup failed: " + e.getMessage());
            System.exit(3);
        }
    }

    public static Running start(Config config) {
        return start(config, TimeSource.system());
    }

    /**
     * @param time what sessions, presence and activity are stamped with and expire by; tests pass
     *             a clock they advance (memory store only: Redis expires by its own clock)
     */
    public static Running start(Config config, TimeSource time) {
        StartupRules.check(config);
        ServiceMetrics metrics = ServiceMetrics.global();
        GracefulShutdown shutdown = new GracefulShutdown(ShutdownSettings.from(config));
        Backend backend = Backend.select(RedisSettings.from(config), MemoryLimits.from(config), time, metrics);
        try {
            Realtime realtime = Realtime.create(config, metrics, backend.connectionOwners());
            ValidatedSessions validated = ValidatedSessions.from(config, backend.clock(), metrics);
            AdminEvents events = backend.adminEvents(event -> {
                validated.heard(event);
                realtime.deliver(event);
            }, validated::forgetAll);
            Services services = Services.create(config, backend, events, metrics, validated);
            HttpRouting.Builder routing = HttpRouting.builder().addFilter(shutdown.connectionClose());
            routing(routing, services);
            WsRouting.Builder sockets = sockets(routing, services, realtime);
            ConnectionGuard guard = new ConnectionGuard(ConnectionSettings.from(config),
                    address -> services.limits().isExempt(address) || services.clients().isTrustedProxy(address),
                    metrics, Main::listenerDied);
            routing.addFeature(guard);
            WebServerConfig.Builder builder = WebServer.builder()
                    .config(config.get("server"))
                    // Engine.IO announces realtime.max-payload (1 MB, socket.io's default) and
                    // socket.io-client batches its long-polling POSTs up to it; the JSON routes keep
                    // server.max-payload-size as their own limit (HttpJson.readBody).
                    .maxPayloadSize(Math.max(services.maxBodyBytes(), realtime.settings().maxPayload()))
                    .update(server -> guard.configure(server, config))
                    // GracefulShutdown stops the server, in its order and time.
                    .shutdownHook(false)
                    .shutdownGracePeriod(shutdown.settings().requestsGrace())
                    .directHandlers(ErrorHandlers.directHandlers())
                    // /openapi: META-INF/openapi.yaml, as YAML or JSON (OpenApiTest holds it to the routes)
                    .addFeature(OpenApiDocument.feature())
                    .addFeature(AccessLog.feature(Settings.bool(config, "logging.access-log")));
            WebServer server = observe(builder, config, backend, shutdown)
                    .routing(routing)
                    .addRouting(sockets)
                    .build()
                    .start();
            LOG.info("session-presence listening on port " + server.port() + " (store: " + backend.name()
                    + ", identity: " + services.identity().mode() + ")");
            return new Running(server, backend, realtime, metrics, shutdown);
        } catch (RuntimeException e) {
            backend.close();
            metrics.close();
            throw e;
        }
    }

    /**
     * Health (readiness checks the store, and turns DOWN on shutdown) and metrics under {@code /observe}: on the service port,
     * or with {@code server.management-port} set, only on that port (socket
     * {@value #MANAGEMENT_SOCKET}), so that JVM and store details are not open to whoever reaches
     * the API.
     */
    private static WebServerConfig.Builder observe(WebServerConfig.Builder server, Config config, Backend backend,
                                                   GracefulShutdown shutdown) {
        ObserveFeatureConfig.Builder observe = ObserveFeature.builder()
                .config(config.get("server.features.observe"))
                .addObserver(HealthObserver.builder()
                        .details(true)
                        .addCheck(backend.readiness())
                        .addCheck(shutdown.readiness())
                        .build());
        int managementPort = Settings.intValue(config, "server.management-port", 0);
        if (managementPort > 0) {
            server.putSocket(MANAGEMENT_SOCKET, socket -> socket
                    .host(Settings.string(config, "server.host"))
                    .port(managementPort)
                    .connectionOptions(options -> options.config(config.get("server.connection-options"))));
            observe.sockets(List.of(MANAGEMENT_SOCKET));
        }
        return server.addFeature(observe.build());
    }

    /**
     * Helidon's listener stopped by itself (an {@code accept} failure): the port is closed for
     * good, so the process exits for its supervisor to start a new one (see {@link ConnectionGuard}).
     */
    private static void listenerDied() {
        LOG.severe("The HTTP listener stopped by itself and cannot reopen its port: exiting (status 4)");
        Thread.ofPlatform().start(() -> System.exit(4));
    }

    /** Every HTTP route: the API, the admin API, the browser side, and the error mapping. */
    public static void routing(HttpRouting.Builder routing, Services services) {
        HttpVisitors visitors = new HttpVisitors(services.presence(), services.sessionAuth(), services.clients(),
                services.limits());
        routing.register("/api", Cors.support(services.corsOrigins()))
                .register("/api/session", new SessionRoutes(services.sessions(), services.sessionAuth(), services.identity(),
                        services.clients(), services.limits(), services.storeName(), services.maxBodyBytes()))
                .register(CacheRoutes.PATH, new CacheRoutes(services.userCache(), services.sessionAuth(),
                        services.maxBodyBytes()))
                .register("/api", new PresenceRoutes(visitors, services.maxBodyBytes(),
                        services.metrics().heartbeats(Channel.HTTP)))
                .register("/api/session", new ActivityRoutes(visitors, services.maxBodyBytes()))
                .register(AdminRoutes.ROOT, new AdminRoutes(services.adminAuth(), services.presence(), services.sessions(),
                        services.sessionListings(), services.terminator(), services.stats(), services.storeName(),
                        services.limits(), services.clients()))
                .addFeature(new RequestIds())
                .addFilter(new RequestTimer(services.metrics()))
                .addFilter(new SecurityHeaders())
                .addFilter(new PresenceFilter(services.trackedPaths(), services.sessions(), services.presence(),
                        services.clients()))
                .addFilter(socketOrigins(services))
                .register("/socket.io", Cors.support(services.corsOrigins()));
        // Browser side: /static/*.js modules and the /admin/ dashboard (after the admin API).
        WebContent.register(routing, services.corsOrigins());
        ErrorHandlers.register(routing, services.metrics().storeErrors(Channel.HTTP));
    }

    /** Who may open a socket: the HTTP filter (polling, refused upgrades) and the WebSocket listeners. */
    private static Origins socketOrigins(Services services) {
        return new Origins(services.corsOrigins(), List.of(WsEndpoint.PATH, SocketIoEndpoint.PATH));
    }

    /**
     * Socket.IO (its long-polling requests on {@code routing}, its WebSockets in the returned
     * routing) and the plain WebSocket endpoint {@code /ws}, on the HTTP port.
     */
    public static WsRouting.Builder sockets(HttpRouting.Builder routing, Services services, Realtime realtime) {
        Gateway gateway = realtime.gateway(services.sessions(), services.sessionListings(), services.presence(),
                services.terminator(), services.adminAuth(), services.limits());
        Origins origins = socketOrigins(services);
        SocketIoEndpoint socketIo = SocketIoEndpoint.create(realtime, gateway, services.clients(), origins);
        realtime.closeWith(socketIo);
        socketIo.route(routing);
        WsEndpoint ws = new WsEndpoint(realtime, gateway, services.clients(), origins);
        realtime.closeWith(ws);
        return WsRouting.builder()
                .endpoint(SocketIoEndpoint.PATH, socketIo::newWebSocketListener)
                .endpoint(WsEndpoint.PATH, ws::newConnection);
    }
}
