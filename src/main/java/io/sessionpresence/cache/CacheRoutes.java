package io.sessionpresence.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sessionpresence.http.ApiException;
import io.sessionpresence.http.HttpJson;
import io.sessionpresence.http.RawPath;
import io.sessionpresence.json.Json;
import io.sessionpresence.session.Session;
import io.sessionpresence.session.SessionAuth;

/**
 * {@code GET|POST /api/cache/user/{user_id}}: the user-data cache. Only a live session of
 * that same user may read or write the entry.
 */
public final class CacheRoutes implements HttpService {
    /** Where {@code Main} registers these routes. */
    public static final String PATH = "/api/cache";

    private final UserCacheService cache;
    private final SessionAuth auth;
    private final long maxBodyBytes;

    public CacheRoutes(UserCacheService cache, SessionAuth auth, long maxBodyBytes) {
        this.cache = cache;
        this.auth = auth;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/user/*", this::get)
                .post("/user/*", this::put);
    }

    /** The user id as the client encoded it: {@code a%2Fb} is the user {@code a/b}, {@code a+b} is {@code a+b}. */
    private String ownedUser(ServerRequest req) {
        Session session = auth.require(req);
        String userId = RawPath.between(req, PATH + "/user/", "", "user id");
        if (!session.userId().equals(userId)) {
            throw ApiException.forbidden("A session may only use its own user's cache");
        }
        return userId;
    }

    private void get(ServerRequest req, ServerResponse res) {
        String userId = ownedUser(req);
        RawValue data = cache.get(userId).orElseThrow(() -> ApiException.notFound("No cached data for this user"));
        HttpJson.ok(res, Json.fields("success", true, "user_id", userId, "data", data, "cached", true));
    }

    private void put(ServerRequest req, ServerResponse res) {
        String userId = ownedUser(req);
        ObjectNode body = HttpJson.readObject(req, maxBodyBytes, false);
        JsonNode data = body.get("data");
        if (data == null || !data.isObject()) {
            throw ApiException.badRequest("Field 'data' must be a JSON object");
        }
        HttpJson.requireUnicode(data, "data");
        cache.put(userId, data);
        HttpJson.ok(res, Json.fields("success", true, "user_id", userId, "ttl", cache.ttlSeconds()));
    }
}
