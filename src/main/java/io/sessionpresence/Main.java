package io.sessionpresence;

import java.util.Set;
import java.util.logging.Logger;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.websocket.WsRouting;
import io.sessionpresence.admin.AdminRoutes;
import io.sessionpresence.admin.MemoryStoreStats;
import io.sessionpresence.admin.RedisStoreStats;
import io.sessionpresence.admin.SessionTerminator;
import io.sessionpresence.admin.StoreStats;
import io.sessionpresence.auth.AdminAuth;
import io.sessionpresence.auth.IdentitySettings;
import io.sessionpresence.auth.IdentityVerifier;
import io.sessionpresence.cache.CacheRoutes;
import io.sessionpresence.cache.MemoryUserCacheStore;
import io.sessionpresence.cache.RedisUserCacheStore;
import io.sessionpresence.cache.UserCacheStore;
import io.sessionpresence.config.ConfigLoader;
import io.sessionpresence.config.InvalidConfigException;
import io.sessionpresence.config.Settings;
import io.sessionpresence.http.ClientInfo;
import io.sessionpresence.http.Cors;
import io.sessionpresence.http.ErrorHandlers;
import io.sessionpresence.http.SecurityHeaders;
import io.sessionpresence.presence.PresenceFilter;
import io.sessionpresence.presence.PresenceRoutes;
import io.sessionpresence.presence.PresenceService;
import io.sessionpresence.presence.PresenceSettings;
import io.sessionpresence.realtime.AdminEvents;
import io.sessionpresence.realtime.Realtime;
import io.sessionpresence.session.MemorySessionStore;
import io.sessionpresence.session.RedisSessionStore;
import io.sessionpresence.session.SessionAuth;
import io.sessionpresence.session.SessionRoutes;
import io.sessionpresence.session.SessionService;
import io.sessionpresence.session.SessionSettings;
import io.sessionpresence.session.SessionStore;
import io.sessionpresence.store.Backend;
import io.sessionpresence.store.ExpiringEntries;
import io.sessionpresence.store.MemoryExpiringEntries;
import io.sessionpresence.store.RedisExpiringEntries;
import io.sessionpresence.store.RedisSettings;
import io.sessionpresence.store.StoreHealth;
import io.sessionpresence.store.StoreSelector;
import io.sessionpresence.web.WebContent;

/**
 * Reads the configuration, builds the stores and services, registers every route, and starts the
 * web server. Nothing is discovered by reflection: what runs is what is wired here, and tests
 * start the service through {@link #start(Config)} exactly like {@link #main}.
 */
public final class Main {
    private static final Logger LOG = Logger.getLogger(Main.class.getName());

    /** A started service: its server and the backend to close with it. */
    public record Running(WebServer server, Backend backend, Realtime realtime) implements AutoCloseable {
        public int port() {
            return server.port();
        }

        @Override
        public void close() {
            server.stop();
            realtime.close();
            backend.close();
        }
    }

    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        try {
            Running running = start(ConfigLoader.load());
            Runtime.getRuntime().addShutdownHook(new Thread(running::close, "shutdown"));
        } catch (InvalidConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        } catch (IllegalStateException e) {
            System.err.println("Startup failed: " + e.getMessage());
            System.exit(3);
        }
    }

    public static Running start(Config config) {
        long maxBody = Settings.longValue(config, "server.max-payload-size", 1);
        SessionSettings sessionSettings = SessionSettings.from(config);
        IdentitySettings identitySettings = IdentitySettings.from(config);
        RedisSettings redisSettings = RedisSettings.from(config);
        PresenceSettings presenceSettings = PresenceSettings.from(config);
        IdentityVerifier identity = identitySettings.verifier();
        AdminAuth adminAuth = new AdminAuth(Settings.string(config, "admin.token"),
                Set.copyOf(Settings.list(config, "admin.users")));
        ClientInfo clients = new ClientInfo(Settings.list(config, "presence.trusted-proxies"));
        long cacheTtl = Settings.seconds(config, "cache.ttl", 1);
        if (identity.mode().equals("dev")) {
            LOG.warning("IDENTITY MODE IS 'dev': anyone can create a session for any user with "
                    + "'Authorization: Bearer dev:<user>'. Set IDENTITY_MODE=jwks or hs256 in production.");
        }
        if (!adminAuth.enabled()) {
            LOG.warning("ADMIN_TOKEN is not set: the admin API and the admin room are disabled.");
        }

        Backend backend = StoreSelector.select(redisSettings);
        try {
            SessionStore sessionStore = backend.isRedis()
                    ? new RedisSessionStore(backend.redisClient(), backend.batcher(), backend.keys(),
                            sessionSettings.idleTimeoutMillis())
                    : new MemorySessionStore(sessionSettings.idleTimeoutMillis());
            UserCacheStore cacheStore = backend.isRedis()
                    ? new RedisUserCacheStore(backend.redisClient(), backend.keys())
                    : new MemoryUserCacheStore();

            Realtime realtime = Realtime.create(config, backend);
            AdminEvents events = realtime.events();
            ExpiringEntries presenceEntries = backend.isRedis()
                    ? new RedisExpiringEntries(backend.redisClient(), backend.batcher(), backend.keys().presence(),
                            backend.keys().events())
                    : new MemoryExpiringEntries(events);
            ExpiringEntries activityEntries = backend.isRedis()
                    ? new RedisExpiringEntries(backend.redisClient(), backend.batcher(), backend.keys().activity(),
                            backend.keys().events())
                    : new MemoryExpiringEntries(events);
            StoreStats storeStats = backend.isRedis()
                    ? new RedisStoreStats(backend.redisClient())
                    : new MemoryStoreStats();

            SessionService sessions = new SessionService(sessionStore, sessionSettings, events);
            SessionAuth sessionAuth = new SessionAuth(sessions);
            PresenceService presence = new PresenceService(presenceEntries, activityEntries, presenceSettings, events);
            SessionTerminator terminator = new SessionTerminator(sessions, presence);

            HttpRouting.Builder routing = HttpRouting.builder()
                    .register("/api", Cors.support(Settings.list(config, "cors.allowed-origins")))
                    .register("/api/session", new SessionRoutes(sessions, identity, clients, backend.name(), maxBody))
                    .register("/api/cache", new CacheRoutes(cacheStore, sessionAuth, cacheTtl, maxBody))
                    .register("/api", new PresenceRoutes(presence, sessionAuth, clients, maxBody))
                    .register(AdminRoutes.ROOT,
                            new AdminRoutes(adminAuth, presence, sessions, terminator, storeStats, backend.name()))
                    .addFilter(new SecurityHeaders())
                    .addFilter(new PresenceFilter(presenceSettings.trackedPaths(), sessions, presence, clients));
            // Realtime: Socket.IO (long-polling here, WebSockets in `sockets`) and plain /ws, same port.
            routing.register("/socket.io", Cors.support(Settings.list(config, "cors.allowed-origins")));
            WsRouting.Builder sockets = realtime.serve(routing, sessions, presence, terminator, adminAuth, clients);
            // Browser side: /static/*.js modules and the /admin/ dashboard (after the admin API).
            WebContent.register(routing, Settings.list(config, "cors.allowed-origins"));
            ErrorHandlers.register(routing);

            WebServer server = WebServer.builder()
                    .config(config.get("server"))
                    .directHandlers(ErrorHandlers.directHandlers())
                    .addFeature(ObserveFeature.builder()
                            .config(config.get("server.features.observe"))
                            .addObserver(HealthObserver.builder()
                                    .details(true)
                                    .addCheck(new StoreHealth(backend))
                                    .build())
                            .build())
                    .routing(routing)
                    .addRouting(sockets)
                    .build()
                    .start();
            LOG.info("session-presence listening on port " + server.port() + " (store: " + backend.name()
                    + ", identity: " + identity.mode() + ")");
            return new Running(server, backend, realtime);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }
}
