package io.sessionpresence.admin;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sessionpresence.auth.AdminAuth;
import io.sessionpresence.http.ApiException;
import io.sessionpresence.http.ClientInfo;
import io.sessionpresence.http.HttpJson;
import io.sessionpresence.http.RawPath;
import io.sessionpresence.json.Json;
import io.sessionpresence.limits.Limits;
import io.sessionpresence.presence.Presence;
import io.sessionpresence.presence.PresenceService;
import io.sessionpresence.presence.SessionActivity;
import io.sessionpresence.session.SessionAuth;
import io.sessionpresence.session.SessionListings;
import io.sessionpresence.session.SessionService;
import io.sessionpresence.session.SessionStore;
import io.sessionpresence.store.Page;
import io.sessionpresence.store.StoreStats;

/**
 * The admin API under {@code /admin}: presence and sessions (paged, newest first), terminating
 * sessions, store statistics and a redacted debug view. Every route needs
 * {@code Authorization: Bearer <ADMIN_TOKEN>}; no response carries a token or token hash. Wrong
 * tokens count against the caller's address, which past its limit gets 429 for any token.
 * The presence tracker's paths ({@code /admin/presence/redis}, ...) answer too, whatever the store;
 * {@code /admin/sessions/redis} in the presence tracker's shape, where {@code items} is tracked activity.
 */
public final class AdminRoutes implements HttpService {
    /** Where {@code Main} mounts these routes; ids are read from the raw path below it. */
    public static final String ROOT = "/admin";

    private final AdminAuth auth;
    private final PresenceService presence;
    private final SessionService sessions;
    private final SessionListings listings;
    private final SessionTerminator terminator;
    private final StoreStats stats;
    private final String source;
    private final Limits limits;
    private final ClientInfo clients;

    public AdminRoutes(AdminAuth auth, PresenceService presence, SessionService sessions, SessionListings listings,
                       SessionTerminator terminator, StoreStats stats, String source, Limits limits,
                       ClientInfo clients) {
        this.limits = limits;
        this.clients = clients;
        this.auth = auth;
        this.presence = presence;
        this.sessions = sessions;
        this.listings = listings;
        this.terminator = terminator;
        this.stats = stats;
        this.source = source;
    }

    @Override
    public void routing(HttpRules rules) {
        // Ids are read from the raw path (RawPath), so these match any rest of it as a prefix:
        // a {param} pattern stops at an encoded '/' and its regex at an encoded CR or LF.
        rules.get("/presence", admin(this::presence))
                .get("/presence/redis", admin(this::presence))
                .get("/sessions", admin(this::sessions))
                .get("/sessions/redis", admin(this::trackedSessions))
                .delete("/sessions/*", admin(this::terminate))
                .delete("/users/*", admin(this::logoutEverywhere))
                .get("/stats", admin(this::stats))
                .get("/redis/stats", admin(this::stats))
                .get("/redis/debug", admin(this::debug));
    }

    private Handler admin(Handler handler) {
        return (req, res) -> {
            String ip = clients.ip(req);
            limits.adminAttempt(ip);
            String bearer = SessionAuth.bearer(req).orElse(null);
            if (!auth.isAdminToken(bearer)) {
                // A request with no token at all is no guess; only wrong tokens count.
                if (bearer != null) {
                    limits.adminFailed(ip);
                }
                res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"admin\"");
                throw ApiException.unauthorized(auth.enabled()
                        ? "Admin credential required (Authorization: Bearer <ADMIN_TOKEN>)"
                        : "Admin API disabled: ADMIN_TOKEN is not configured");
            }
            handler.handle(req, res);
        };
    }

    private void presence(ServerRequest req, ServerResponse res) {
        int cursor = HttpJson.pageCursor(req);
        int limit = HttpJson.pageLimit(req);
        Optional<String> page = req.query().first("page").asOptional().filter(p -> !p.isEmpty());
        Page<Presence> result = presence.presencePage(cursor, limit, page);
        HttpJson.ok(res, listing(result.items(), result));
    }

    /** One page of live sessions and one of tracked activity, at the same cursor and limit. */
    private AdminSessionViews sessionPages(ServerRequest req) {
        return AdminSessionViews.read(listings, HttpJson.pageCursor(req), HttpJson.pageLimit(req));
    }

    /** Ours: live sessions as {@code items}, tracked activity alongside. */
    private void sessions(ServerRequest req, ServerResponse res) {
        AdminSessionViews pages = sessionPages(req);
        sendListing(res, pages.live(), "activity", "activity_count", pages.tracked());
    }

    /**
     * The presence tracker's: its clients read {@code items} as the tracked activity they posted
     * ({@code sessions:active}), so that is {@code items} here, live sessions alongside.
     */
    private void trackedSessions(ServerRequest req, ServerResponse res) {
        AdminSessionViews pages = sessionPages(req);
        sendListing(res, pages.tracked(), "live_sessions", "live_count", pages.live());
    }

    private void sendListing(ServerResponse res, Page<?> listed, String besideField, String besideCountField,
                             Page<?> beside) {
        Map<String, Object> body = listing(listed.items(), listed);
        body.put(besideField, beside.items());
        body.put(besideCountField, beside.count());
        HttpJson.ok(res, body);
    }

    private Map<String, Object> listing(List<?> items, Page<?> page) {
        return Json.fields("status", "success", "items", items, "count", page.count(), "source", source,
                "timestamp", System.currentTimeMillis(), "next_cursor", page.nextCursor());
    }

    private void terminate(ServerRequest req, ServerResponse res) {
        String sessionId = RawPath.between(req, ROOT + "/sessions/", "", "session id");
        Map<String, Object> body = Json.fields("status", "success");
        body.putAll(terminator.terminate(sessionId).fields());
        HttpJson.ok(res, body);
    }

    private void logoutEverywhere(ServerRequest req, ServerResponse res) {
        String userId = RawPath.between(req, ROOT + "/users/", "/sessions", "user id");
        int revoked = sessions.revokeAll(userId, "admin");
        HttpJson.ok(res, Json.fields("status", "success", "user", userId, "revoked", revoked));
    }

    private void stats(ServerRequest req, ServerResponse res) {
        Map<String, Object> figures = Json.fields("store", source);
        figures.putAll(stats.backendFigures());
        figures.put("presence_keys", presence.presentCount());
        figures.put("sessions_keys", presence.activityCount());
        SessionStore.Counts counts = sessions.counts(null);
        figures.put("active_users", counts.users());
        figures.put("active_sessions", counts.sessions());
        HttpJson.ok(res, Json.fields("status", "success", "source", source, "stats", figures));
    }

    private void debug(ServerRequest req, ServerResponse res) {
        Page<Presence> present = presence.presencePage(0, 3, Optional.empty());
        AdminSessionViews sample = AdminSessionViews.read(listings, 0, 3);
        Page<SessionActivity> activity = sample.tracked();
        Map<String, Object> debug = Json.fields(
                "store", source,
                "presence_count", present.count(),
                "sessions_count", activity.count(),
                "live_sessions_count", sample.live().count(),
                "presence_keys", present.items().stream().map(Presence::key).toList(),
                "sessions_keys", activity.items().stream().map(SessionActivity::sid).toList(),
                "sample_presence", present.items(),
                "sample_sessions", activity.items(),
                "sample_live_sessions", sample.live().items(),
                "redacted", "tokens and token hashes are never shown");
        HttpJson.ok(res, Json.fields("status", "success", "debug", debug));
    }
}
