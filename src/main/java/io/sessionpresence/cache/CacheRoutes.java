package io.sessionpresence.cache;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sessionpresence.http.ApiException;
import io.sessionpresence.http.HttpJson;
import io.sessionpresence.json.Json;
import io.sessionpresence.session.Session;
import io.sessionpresence.session.SessionAuth;

/**
 * {@code GET|POST /api/cache/user/{user_id}}: seed 003's user-data cache. Only a live session of
 * that same user may read or write the entry.
 */
public final class CacheRoutes implements HttpService {
    private final UserCacheStore store;
    private final SessionAuth auth;
    private final long ttlMillis;
    private final long maxBodyBytes;

    public CacheRoutes(UserCacheStore store, SessionAuth auth, long ttlSeconds, long maxBodyBytes) {
        this.store = store;
        this.auth = auth;
        this.ttlMillis = ttlSeconds * 1000;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/user/{user_id}", this::get)
                .post("/user/{user_id}", this::put);
    }

    private String ownedUser(ServerRequest req) {
        Session session = auth.require(req);
        String userId = req.path().pathParameters().get("user_id");
        if (!session.userId().equals(userId)) {
            throw ApiException.forbidden("A session may only use its own user's cache");
        }
        return userId;
    }

    private void get(ServerRequest req, ServerResponse res) {
        String userId = ownedUser(req);
        String json = store.get(userId).orElseThrow(() -> ApiException.notFound("No cached data for this user"));
        JsonNode data = Json.read(json, JsonNode.class);
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
        store.put(userId, Json.writeString(data), ttlMillis);
        HttpJson.ok(res, Json.fields("success", true, "user_id", userId, "ttl", ttlMillis / 1000));
    }
}
