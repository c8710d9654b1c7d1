package io.sessionpresence.openapi;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.config.Config;
import io.sessionpresence.Main;
import io.sessionpresence.backend.MemoryBackend;
import io.sessionpresence.config.ConfigLoader;
import io.sessionpresence.json.Json;
import io.sessionpresence.realtime.Realtime;
import io.sessionpresence.realtime.ws.WsEndpoint;
import io.sessionpresence.metrics.ServiceMetrics;
import io.sessionpresence.store.MemoryLimits;
import io.sessionpresence.store.TimeSource;
import io.sessionpresence.testing.HttpTestClient;
import io.sessionpresence.testing.RawWebSocket;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestService;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /openapi} serves {@code META-INF/openapi.yaml} as YAML and as JSON; it is a valid
 * OpenAPI 3.1 document (swagger-parser); and its operations are exactly the routes the service
 * registers. Those come from running {@code Main.routing} and {@code Main.sockets} on a
 * {@link RouteRecorder}, so a route added there and not documented fails here, as does a
 * documented operation nothing serves. What the recorder cannot see is listed in
 * {@link #NOT_IN_HTTP_ROUTING} and probed on the running server instead.
 */
class OpenApiTest {
    /**
     * Served outside the HTTP routing: the {@code /ws} WebSocket route, and the server features
     * Main.start adds (observe: health and metrics; OpenAPI).
     */
    private static final List<String> NOT_IN_HTTP_ROUTING = List.of("GET " + WsEndpoint.PATH, "GET /observe/health",
            "GET /observe/health/live", "GET /observe/health/ready", "GET /observe/metrics", "GET /openapi");

    private static TestService service;

    @BeforeAll
    static void start() {
        service = TestService.start(StoreKind.MEMORY);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void servesAValidOpenApi31DocumentAsYamlAndAsJson() {
        HttpTestClient.Response yaml = service.get("/openapi", "Accept", "application/vnd.oai.openapi");
        assertEquals(200, yaml.status());
        assertTrue(yaml.body().startsWith("openapi: 3.1.0") || yaml.body().contains("\nopenapi: 3.1.0"), "YAML");
        HttpTestClient.Response json = service.get("/openapi", "Accept", "application/json");
        assertEquals(200, json.status());
        JsonNode fromJson = Json.read(json.body(), JsonNode.class);
        assertEquals("3.1.0", fromJson.path("openapi").asText());

        OpenAPI document = parse(yaml.body());
        assertEquals(operations(document), operations(parse(json.body())), "the JSON says what the YAML says");
    }

    @Test
    void documentsExactlyTheRoutesTheServiceRegisters() {
        Set<String> registered = registeredRoutes();
        registered.addAll(NOT_IN_HTTP_ROUTING);
        Set<String> documented = operations(parse(service.get("/openapi").body()));

        Set<String> undocumented = new TreeSet<>();
        for (String route : registered) {
            if (documented.stream().noneMatch(operation -> matches(route, operation))) {
                undocumented.add(route);
            }
        }
        Set<String> unserved = new TreeSet<>();
        for (String operation : documented) {
            if (registered.stream().noneMatch(route -> matches(route, operation))) {
                unserved.add(operation);
            }
        }
        assertEquals(Set.of(), undocumented, "registered routes missing from META-INF/openapi.yaml");
        assertEquals(Set.of(), unserved, "documented operations no route serves");
    }

    @Test
    void whatTheRecorderCannotSeeIsServed() throws Exception {
        for (String route : NOT_IN_HTTP_ROUTING) {
            String path = route.substring("GET ".length());
            if (path.equals(WsEndpoint.PATH)) {
                RawWebSocket.open(service.port(), path).close();
            } else {
                assertNotEquals(404, service.get(path).status(), route);
            }
        }
    }

    /** Every route Main.routing and Main.sockets register, as "METHOD /path" with Helidon's patterns. */
    private static Set<String> registeredRoutes() {
        Config config = ConfigLoader.load(Map.of(), TestService.config(StoreKind.MEMORY, Map.of()));
        MemoryBackend backend = new MemoryBackend(TimeSource.system(), MemoryLimits.heapShare());
        Set<String> routes = RouteRecorder.newRoutes();
        try (Realtime realtime = Realtime.create(config, ServiceMetrics.global(), backend.connectionOwners())) {
            Main.Services services = Main.Services.create(config, backend, backend.adminEvents(event -> { }),
                    ServiceMetrics.global());
            Main.routing(RouteRecorder.recording(routes), services);
            Main.sockets(RouteRecorder.recording(routes), services, realtime);
        } finally {
            backend.close();
        }
        return routes;
    }

    private static OpenAPI parse(String text) {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(text, null, options);
        assertEquals(List.of(), result.getMessages() == null ? List.of() : result.getMessages(), "validation messages");
        assertEquals("3.1.0", result.getOpenAPI().getOpenapi());
        return result.getOpenAPI();
    }

    /** The document's operations as "METHOD /path", the path as written ({@code {name}} for parameters). */
    private static Set<String> operations(OpenAPI document) {
        Set<String> operations = new TreeSet<>();
        document.getPaths().forEach((path, item) ->
                item.readOperationsMap().keySet().forEach(method -> operations.add(method.name() + " " + path)));
        return operations;
    }

    /**
     * Whether a registered route serves a documented operation: same method (ANY serves every
     * one), and the documented path fits the route's pattern, where {@code {name}} is one
     * segment and a trailing {@code *} any rest.
     */
    static boolean matches(String route, String operation) {
        String[] r = route.split(" ", 2);
        String[] o = operation.split(" ", 2);
        if (!r[0].equals("ANY") && !r[0].equals(o[0])) {
            return false;
        }
        StringBuilder regex = new StringBuilder();
        for (String part : r[1].split("((?<=\\})|(?=\\{))")) {
            if (part.startsWith("{")) {
                regex.append("[^/]+");
            } else if (part.endsWith("/*")) {
                regex.append(Pattern.quote(part.substring(0, part.length() - 1))).append(".+");
            } else {
                regex.append(Pattern.quote(part));
            }
        }
        return o[1].matches(regex.toString());
    }
}
