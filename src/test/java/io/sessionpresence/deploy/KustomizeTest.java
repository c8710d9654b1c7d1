package io.sessionpresence.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.xml.parsers.DocumentBuilderFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.helidon.config.Config;
import io.sessionpresence.config.ConfigLoader;
import io.sessionpresence.config.EnvironmentNames;
import io.sessionpresence.realtime.RealtimeSettings;
import io.sessionpresence.shutdown.ShutdownSettings;
import io.sessionpresence.testing.Executables;
import io.sessionpresence.testing.HttpTestClient;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestRedis;
import io.sessionpresence.testing.TestService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The kustomizations under {@code k8s/}, rendered by the real {@code kubectl kustomize}, checked
 * against the application they deploy: the probe and metrics paths are served by the real service
 * on its management port (and not on the API port), the ports agree with its port settings, every
 * environment variable is one it reads, the image tag is the pom version, the ConfigMap is
 * {@code config/application.yaml}, the termination budget covers the service's shutdown, and the availability settings (replicas, PDB, HPA, spread,
 * affinity, non-root read-only container) are in place. What only a cluster can show (scheduling,
 * the image really running as uid 10001, traffic during a rollout) is not covered here.
 */
class KustomizeTest {
    private static final Path PROJECT = Path.of("").toAbsolutePath();
    private static final Path APPLICATION_YAML = PROJECT.resolve("config/application.yaml");
    private static final String IMAGE = "ghcr.io/example/session-presence";
    private static final String APP = "session-presence";
    /** The image's non-root user. */
    private static final int IMAGE_UID = 10001;
    /**
     * Variables the Deployment may set although no configuration key has their name, each with
     * who reads it instead.
     */
    private static final Map<String, String> NOT_CONFIGURATION = Map.of(
            "JAVA_TOOL_OPTIONS", "the JVM itself (options for any java command line, whatever launcher the image "
                    + "has): -Dconfig.file naming the mounted ConfigMap",
            "POD_IP", "Kubernetes, which expands $(POD_IP) in REALTIME_ADVERTISE_URL");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, List<JsonNode>> RENDERED = new HashMap<>();

    @BeforeAll
    static void render() throws Exception {
        for (String overlay : List.of("dev", "prod")) {
            RENDERED.put(overlay, kustomize(PROJECT.resolve("k8s/overlays/" + overlay)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void imageTagIsThePomVersion(String overlay) throws Exception {
        assertEquals(IMAGE + ":" + pomVersion(), container(overlay).path("image").asText(),
                "k8s/base/kustomization.yaml images[].newTag must follow <version> in pom.xml");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theConfigMapIsApplicationYamlAndTheJvmReadsIt(String overlay) throws IOException {
        String file = configFile(overlay);
        Path mounted = Path.of(file);
        JsonNode mount = only(container(overlay).path("volumeMounts"),
                m -> m.path("mountPath").asText().equals(mounted.getParent().toString()), "a mount at " + mounted.getParent());
        assertTrue(mount.path("readOnly").asBoolean(), "the configuration is mounted read-only");
        JsonNode volume = only(podSpec(overlay).path("volumes"),
                v -> v.path("name").asText().equals(mount.path("name").asText()), "volume " + mount.path("name"));
        JsonNode configMap = resource(overlay, "ConfigMap", volume.path("configMap").path("name").asText());
        assertEquals(Files.readString(APPLICATION_YAML),
                configMap.path("data").path(mounted.getFileName().toString()).asText(),
                "the ConfigMap holds config/application.yaml unchanged, under the name -Dconfig.file gives");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyEnvironmentVariableIsOneTheServiceReads(String overlay) throws IOException {
        String defaults = Files.readString(APPLICATION_YAML);
        JsonNode container = container(overlay);
        assertTrue(container.path("envFrom").isMissingNode(), "envFrom would add names this test cannot see");
        // Service links would add REDIS_PORT, SESSION_PRESENCE_SERVICE_HOST, ... for every Service
        // in the namespace: names this test cannot see, which the service warns about at startup.
        assertFalse(podSpec(overlay).path("enableServiceLinks").asBoolean(true), "enableServiceLinks: false");
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode variable : container.path("env")) {
            String name = variable.path("name").asText();
            assertTrue(names.add(name), name + " is set twice");
            assertTrue(NOT_CONFIGURATION.containsKey(name) || EnvironmentNames.readByTheService(defaults, name),
                    name + " names no configuration key of config/application.yaml and no alias of ConfigLoader");
        }
        assertTrue(names.containsAll(List.of("STORE", "REDIS_URL", "ADMIN_TOKEN")), "env: " + names);
        // Configuration goes through the environment, where this test sees it, not -D options.
        for (String option : environment(overlay).getOrDefault("JAVA_TOOL_OPTIONS", "").trim().split("\\s+")) {
            assertFalse(option.startsWith("-D") && !option.startsWith("-Dconfig.file="),
                    "JAVA_TOOL_OPTIONS sets a system property other than config.file: " + option);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void portsAreTheServicePorts(String overlay) {
        Config config = effectiveConfig(overlay);
        int port = config.get("server.port").asInt().get();
        int management = config.get("server.management-port").asInt().get();
        assertTrue(management > 0, "/observe/* is on its own port, not open to whoever reaches the API");
        JsonNode container = container(overlay);
        assertEquals(2, container.path("ports").size(), "the service port and the management port");
        assertEquals(port, resolvePort(container, TextNode.valueOf("http")), "containerPort http = server.port");
        assertEquals(management, resolvePort(container, TextNode.valueOf("management")),
                "containerPort management = server.management-port");
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            JsonNode get = container.path(probe).path("httpGet");
            assertFalse(get.isMissingNode(), probe + " is an HTTP probe");
            assertEquals(management, resolvePort(container, get.path("port")), probe + " port");
            assertEquals("HTTP", get.path("scheme").asText("HTTP"), probe + " scheme");
        }
        JsonNode annotations = deployment(overlay).path("spec").path("template").path("metadata").path("annotations");
        assertEquals("true", annotations.path("prometheus.io/scrape").asText());
        assertEquals(String.valueOf(management), annotations.path("prometheus.io/port").asText(), "prometheus.io/port");

        JsonNode service = resource(overlay, "Service", APP);
        assertTrue(selects(service.path("spec").path("selector"), overlay), "the Service selects the pods");
        JsonNode servicePort = only(service.path("spec").path("ports"), p -> true, "one Service port");
        assertEquals(port, resolvePort(container, servicePort.path("targetPort")), "Service targetPort");
        for (JsonNode ingress : resources(overlay, "Ingress")) {
            for (JsonNode path : ingress.findValues("paths")) {
                for (JsonNode backend : path.findValues("service")) {
                    assertEquals(APP, backend.path("name").asText(), "Ingress backend Service");
                    JsonNode wanted = backend.path("port");
                    assertTrue(wanted.has("name")
                                    ? wanted.path("name").asText().equals(servicePort.path("name").asText())
                                    : wanted.path("number").asInt() == servicePort.path("port").asInt(),
                            "the Ingress backend names the Service's port: " + wanted);
                }
            }
        }
    }

    /**
     * Each replica advertises its own pod address on the service port, so that the others can
     * forward long-polling requests to it: POD_IP from the downward API, listed before the
     * variable that expands it (Kubernetes expands only earlier ones), and the result a value the
     * service accepts.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyReplicaAdvertisesItsPodAddress(String overlay) {
        assertEquals("status.podIP", envVariable(overlay, "POD_IP").path("valueFrom").path("fieldRef")
                .path("fieldPath").asText());
        int port = effectiveConfig(overlay).get("server.port").asInt().get();
        assertEquals("http://$(POD_IP):" + port, environment(overlay).get("REALTIME_ADVERTISE_URL"));
        List<String> names = new ArrayList<>(environment(overlay).keySet());
        assertTrue(names.indexOf("POD_IP") < names.indexOf("REALTIME_ADVERTISE_URL"), "POD_IP first: " + names);
        Map<String, String> inThePod = new HashMap<>(environment(overlay));
        inThePod.replaceAll((name, value) -> value.replace("$(POD_IP)", "10.1.2.3"));
        assertEquals("http://10.1.2.3:" + port, RealtimeSettings.from(ConfigLoader.load(inThePod, Map.of()))
                .advertiseUrl().orElseThrow().toString());
    }

    /**
     * Each probe path and the metrics path, GET from the real service on its management port: 200
     * (and 404 on the service port).
     */
    @Test
    void probeAndMetricsPathsAreServed() throws IOException {
        Set<String> paths = new LinkedHashSet<>();
        for (String overlay : RENDERED.keySet()) {
            JsonNode container = container(overlay);
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                paths.add(container.path(probe).path("httpGet").path("path").asText());
            }
        }
        Set<String> metrics = new LinkedHashSet<>();
        for (String overlay : RENDERED.keySet()) {
            metrics.add(deployment(overlay).path("spec").path("template").path("metadata").path("annotations")
                    .path("prometheus.io/path").asText());
        }
        int managementPort = TestRedis.freePort();
        try (TestService service = TestService.start(StoreKind.MEMORY,
                Map.of("server.management-port", String.valueOf(managementPort)))) {
            HttpTestClient management = new HttpTestClient(URI.create("http://127.0.0.1:" + managementPort));
            for (String path : paths) {
                HttpTestClient.Response response = management.get(path);
                assertEquals(200, response.status(), path + ": " + response.body());
                assertEquals(404, service.get(path).status(), path + " is not on the service port");
            }
            for (String path : metrics) {
                // What Prometheus sends when it scrapes.
                HttpTestClient.Response response = management.get(path, "Accept",
                        "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3,*/*;q=0.2");
                assertEquals(200, response.status(), path + ": " + response.body());
                assertTrue(response.body().contains("# TYPE "), path + " answers in the Prometheus text format");
            }
        }
        // Readiness is the health endpoint that includes the store check (DOWN while Redis does
        // not answer); liveness is the one without it, so a Redis outage restarts nothing.
        for (String overlay : RENDERED.keySet()) {
            assertEquals("/observe/health/ready", container(overlay).path("readinessProbe").path("httpGet").path("path")
                    .asText(), overlay + " readinessProbe");
            assertEquals("/observe/health/live", container(overlay).path("livenessProbe").path("httpGet").path("path")
                    .asText(), overlay + " livenessProbe");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void nonRootWithAReadOnlyRootFilesystem(String overlay) {
        JsonNode pod = podSpec(overlay).path("securityContext");
        JsonNode container = container(overlay).path("securityContext");
        assertTrue(pod.path("runAsNonRoot").asBoolean() || container.path("runAsNonRoot").asBoolean(), "runAsNonRoot");
        assertEquals(IMAGE_UID, container.path("runAsUser").asInt(pod.path("runAsUser").asInt()), "runAsUser");
        assertTrue(container.path("readOnlyRootFilesystem").asBoolean(), "readOnlyRootFilesystem");
        assertFalse(container.path("allowPrivilegeEscalation").asBoolean(true), "allowPrivilegeEscalation: false");
        // The JVM still needs a writable /tmp (hsperfdata, Netty's native library).
        JsonNode tmp = only(container(overlay).path("volumeMounts"), m -> m.path("mountPath").asText().equals("/tmp"),
                "a /tmp mount");
        JsonNode volume = only(podSpec(overlay).path("volumes"),
                v -> v.path("name").asText().equals(tmp.path("name").asText()), "the /tmp volume");
        assertTrue(volume.has("emptyDir"), "/tmp is an emptyDir");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void severalReplicasStayAvailable(String overlay) {
        JsonNode deployment = deployment(overlay);
        int replicas = deployment.path("spec").path("replicas").asInt();
        assertEquals(2, replicas, "replicas");

        JsonNode pdb = resource(overlay, "PodDisruptionBudget", APP);
        assertTrue(selects(pdb.path("spec").path("selector").path("matchLabels"), overlay), "the PDB selects the pods");
        int minAvailable = pdb.path("spec").path("minAvailable").asInt();
        assertTrue(minAvailable >= 1 && minAvailable < replicas,
                "minAvailable " + minAvailable + ": keeps one replica, and still lets a drain evict one");

        JsonNode hpa = resource(overlay, "HorizontalPodAutoscaler", APP);
        JsonNode target = hpa.path("spec").path("scaleTargetRef");
        assertEquals("Deployment", target.path("kind").asText());
        assertEquals(APP, target.path("name").asText());
        assertEquals(replicas, hpa.path("spec").path("minReplicas").asInt(), "HPA minReplicas = replicas");
        assertTrue(hpa.path("spec").path("maxReplicas").asInt() > replicas, "HPA maxReplicas");
        assertFalse(container(overlay).path("resources").path("requests").path("cpu").isMissingNode(),
                "CPU utilization is a share of the CPU request: the container needs one");

        JsonNode spread = only(podSpec(overlay).path("topologySpreadConstraints"),
                c -> c.path("topologyKey").asText().equals("kubernetes.io/hostname"), "a spread over nodes");
        assertTrue(selects(spread.path("labelSelector").path("matchLabels"), overlay), "the spread counts these pods");

        assertEquals("ClientIP", resource(overlay, "Service", APP).path("spec").path("sessionAffinity").asText(),
                "keeps a polling client on one replica: no forwarding hop, and its WebSocket upgrade lands there");
    }

    /**
     * The kubelet waits terminationGracePeriodSeconds from the start of preStop, then kills: the
     * preStop sleep and the service's stop, which ends within server.shutdown-grace (past it the
     * JVM halts; GracefulShutdownTest checks it on the real process), must fit.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void terminationGraceCoversPreStopAndShutdown(String overlay) {
        Duration grace = effectiveConfig(overlay).get("server.shutdown-grace").as(Duration.class).get();
        JsonNode sleep = container(overlay).path("lifecycle").path("preStop").path("sleep").path("seconds");
        assertTrue(sleep.asInt() >= 1, "preStop sleeps while endpoints are removed");
        long budget = sleep.asInt() + (grace.toMillis() + 999) / 1000;
        int termination = podSpec(overlay).path("terminationGracePeriodSeconds").asInt();
        assertTrue(termination >= budget, "terminationGracePeriodSeconds " + termination + " < preStop " + sleep.asInt()
                + " s + server.shutdown-grace " + grace);
    }

    /**
     * What the budget above assumes of the real server: Helidon's own grace period is the share
     * of server.shutdown-grace that ShutdownSettings gives it, and closing the service ends well
     * within the grace even while a Socket.IO long-poll, which would otherwise wait up to the ping
     * interval, is pending: the long-poll gets the Engine.IO close packet.
     */
    @Test
    void theServiceStopsWithinTheGraceWithALongPollPending() throws Exception {
        ShutdownSettings settings = ShutdownSettings.from(ConfigLoader.load(Map.of(), Map.of()));
        TestService service = TestService.start(StoreKind.MEMORY, Map.of());
        CompletableFuture<HttpResponse<String>> poll;
        long elapsed;
        try {
            assertEquals(settings.requestsGrace(), service.running().server().prototype().shutdownGracePeriod(),
                    "Helidon's grace period comes from server.shutdown-grace");
            HttpClient client = HttpClient.newHttpClient();
            String open = client.send(HttpRequest.newBuilder(service.uri("/socket.io/?EIO=4&transport=polling")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(open.startsWith("0"), "Engine.IO open packet: " + open);
            String sid = JSON.readTree(open.substring(1)).path("sid").asText();
            poll = client.sendAsync(HttpRequest.newBuilder(service.uri("/socket.io/?EIO=4&transport=polling&sid=" + sid))
                    .build(), HttpResponse.BodyHandlers.ofString());
            Thread.sleep(300);
            assertFalse(poll.isDone(), "the long-poll waits for data");
        } finally {
            long start = System.nanoTime();
            service.close();
            elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }
        // The long-poll alone would hold the stop for the 25 s ping interval.
        assertTrue(elapsed <= settings.grace().toMillis(), "stop took " + elapsed + " ms with grace " + settings.grace());
        assertEquals("1", poll.get(5, TimeUnit.SECONDS).body(), "the long-poll ends with the Engine.IO close packet");
    }

    @Test
    void devRunsItsOwnRedisWithAofAPasswordAndNoeviction() {
        String overlay = "dev";
        JsonNode redis = resource(overlay, "StatefulSet", "redis");
        JsonNode container = only(redis.path("spec").path("template").path("spec").path("containers"), c -> true,
                "one Redis container");
        List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));
        assertEquals("yes", after(args, "--appendonly"), "AOF on");
        // allkeys-lru and friends would silently drop live sessions when memory runs out.
        assertEquals("noeviction", after(args, "--maxmemory-policy"), "maxmemory-policy");
        assertEquals("$(REDIS_PASSWORD)", after(args, "--requirepass"), "requirepass from the Secret");
        String password = secretValue(overlay, only(container.path("env"),
                e -> e.path("name").asText().equals("REDIS_PASSWORD"), "REDIS_PASSWORD").path("valueFrom"));
        JsonNode data = only(container.path("volumeMounts"), m -> m.path("mountPath").asText().equals("/data"), "/data");
        assertTrue(redis.path("spec").path("volumeClaimTemplates").findValuesAsText("name")
                .contains(data.path("name").asText()), "the AOF is on a persistent volume");

        // The service's REDIS_URL reaches this Redis with this password.
        URI url = URI.create(secretValue(overlay, envVariable(overlay, "REDIS_URL").path("valueFrom")));
        assertEquals(":" + password, url.getUserInfo(), "REDIS_URL carries the Redis password");
        JsonNode service = resource(overlay, "Service", url.getHost());
        JsonNode port = only(service.path("spec").path("ports"), p -> p.path("port").asInt() == url.getPort(),
                "Service " + url.getHost() + " port " + url.getPort());
        assertEquals(6379, resolvePort(container, port.path("targetPort")));
        assertTrue(matches(service.path("spec").path("selector"),
                redis.path("spec").path("template").path("metadata").path("labels")), "the Redis Service selects Redis");
        // Every secret the service reads is generated here.
        secretValue(overlay, envVariable(overlay, "ADMIN_TOKEN").path("valueFrom"));
    }

    @Test
    void prodUsesAnExternalRedisAndRealIdentity() throws IOException {
        String overlay = "prod";
        for (String kind : List.of("StatefulSet", "Deployment")) {
            for (JsonNode workload : resources(overlay, kind)) {
                assertEquals(APP, workload.path("metadata").path("name").asText(), "no Redis runs in prod");
            }
        }
        assertTrue(resources(overlay, "Secret").isEmpty(), "production secrets come from outside the repository");
        // The example shows every key the Deployment reads from its Secret.
        JsonNode example = JSON.valueToTree(new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Files.readString(PROJECT.resolve("k8s/base/secret.example.yaml"))));
        for (JsonNode variable : container(overlay).path("env")) {
            JsonNode ref = variable.path("valueFrom").path("secretKeyRef");
            if (!ref.isMissingNode()) {
                assertEquals(example.path("metadata").path("name").asText(), ref.path("name").asText());
                assertTrue(example.path("stringData").has(ref.path("key").asText()),
                        "k8s/base/secret.example.yaml lacks " + ref.path("key"));
            }
        }
        assertFalse(envVariable(overlay, "REDIS_URL").path("valueFrom").isMissingNode(),
                "REDIS_URL holds the Redis password: from the Secret");
        Config config = effectiveConfig(overlay);
        assertNotEquals("dev", config.get("identity.mode").asString().get(), "dev identity lets anyone be anyone");
        assertFalse(config.get("presence.allow-anonymous").asBoolean().get(), "presence.allow-anonymous");
        JsonNode ingress = resource(overlay, "Ingress", APP);
        assertEquals("cookie", ingress.path("metadata").path("annotations")
                .path("nginx.ingress.kubernetes.io/affinity").asText(), "cookie affinity at the ingress");
    }

    // ---- rendering and reading the manifests ----

    private static List<JsonNode> kustomize(Path directory) throws Exception {
        Path kubectl = Executables.onPath("kubectl").orElse(null);
        if (kubectl == null) {
            fail("kubectl is not on PATH; the Kubernetes manifests cannot be rendered. ./test.sh installs it "
                    + "(Debian package kubernetes-client); or install any kubectl.");
        }
        Path errors = Files.createTempFile("kustomize", ".err");
        try {
            Process process = new ProcessBuilder(kubectl.toString(), "kustomize", directory.toString())
                    .directory(PROJECT.toFile())
                    .redirectError(errors.toFile())
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("kubectl kustomize " + directory + " did not finish within 60 s");
            }
            assertEquals(0, process.exitValue(), "kubectl kustomize " + directory + ": " + Files.readString(errors));
            List<JsonNode> documents = new ArrayList<>();
            for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(output)) {
                if (document != null) {
                    documents.add(JSON.valueToTree(document));
                }
            }
            assertFalse(documents.isEmpty(), "kubectl kustomize " + directory + " rendered nothing");
            return documents;
        } finally {
            Files.deleteIfExists(errors);
        }
    }

    private static List<JsonNode> resources(String overlay, String kind) {
        return RENDERED.get(overlay).stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
    }

    private static JsonNode resource(String overlay, String kind, String name) {
        List<JsonNode> found = resources(overlay, kind).stream()
                .filter(d -> d.path("metadata").path("name").asText().equals(name)).toList();
        assertEquals(1, found.size(), overlay + ": " + kind + " " + name);
        return found.getFirst();
    }

    private static JsonNode deployment(String overlay) {
        return resource(overlay, "Deployment", APP);
    }

    private static JsonNode podSpec(String overlay) {
        return deployment(overlay).path("spec").path("template").path("spec");
    }

    private static JsonNode container(String overlay) {
        return only(podSpec(overlay).path("containers"), c -> c.path("name").asText().equals(APP), "container " + APP);
    }

    private static JsonNode envVariable(String overlay, String name) {
        return only(container(overlay).path("env"), e -> e.path("name").asText().equals(name), "env " + name);
    }

    /** The Deployment's environment as the service sees it; values from Secrets are stand-ins. */
    private static Map<String, String> environment(String overlay) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (JsonNode variable : container(overlay).path("env")) {
            environment.put(variable.path("name").asText(),
                    variable.has("value") ? variable.path("value").asText() : "value-from-" + variable.path("valueFrom"));
        }
        return environment;
    }

    /**
     * The configuration the pod runs with: its ConfigMap (checked to be config/application.yaml,
     * which the loader reads here) under its environment, through the service's own loader.
     */
    private static Config effectiveConfig(String overlay) {
        try {
            String configMap = resource(overlay, "ConfigMap", podSpec(overlay).path("volumes").findValue("configMap")
                    .path("name").asText()).path("data").path(Path.of(configFile(overlay)).getFileName().toString()).asText();
            assertEquals(Files.readString(APPLICATION_YAML), configMap, "the ConfigMap is config/application.yaml");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return ConfigLoader.load(environment(overlay), Map.of());
    }

    /** The file -Dconfig.file in JAVA_TOOL_OPTIONS names. */
    private static String configFile(String overlay) {
        String options = environment(overlay).getOrDefault("JAVA_TOOL_OPTIONS", "");
        for (String option : options.trim().split("\\s+")) {
            if (option.startsWith("-Dconfig.file=")) {
                return option.substring("-Dconfig.file=".length());
            }
        }
        return fail("JAVA_TOOL_OPTIONS names no -Dconfig.file: " + options);
    }

    /** A value of a Secret rendered in the overlay, from an env entry's valueFrom. */
    private static String secretValue(String overlay, JsonNode valueFrom) {
        JsonNode ref = valueFrom.path("secretKeyRef");
        JsonNode secret = resource(overlay, "Secret", ref.path("name").asText());
        JsonNode encoded = secret.path("data").path(ref.path("key").asText());
        assertTrue(encoded.isTextual(), "Secret " + ref.path("name") + " has " + ref.path("key"));
        return new String(Base64.getDecoder().decode(encoded.asText()), StandardCharsets.UTF_8);
    }

    /** A port given by number or by the container port's name. */
    private static int resolvePort(JsonNode container, JsonNode port) {
        if (port.isInt()) {
            return port.asInt();
        }
        return only(container.path("ports"), p -> p.path("name").asText().equals(port.asText()),
                "container port named " + port).path("containerPort").asInt();
    }

    private static boolean selects(JsonNode selector, String overlay) {
        return matches(selector, deployment(overlay).path("spec").path("template").path("metadata").path("labels"));
    }

    private static boolean matches(JsonNode selector, JsonNode labels) {
        if (selector.isEmpty()) {
            return false;
        }
        for (var entry : selector.properties()) {
            if (!labels.path(entry.getKey()).asText().equals(entry.getValue().asText())) {
                return false;
            }
        }
        return true;
    }

    private static JsonNode only(JsonNode array, java.util.function.Predicate<JsonNode> test, String what) {
        List<JsonNode> found = new ArrayList<>();
        array.forEach(element -> {
            if (test.test(element)) {
                found.add(element);
            }
        });
        assertEquals(1, found.size(), "exactly one: " + what);
        return found.getFirst();
    }

    private static String after(List<String> args, String flag) {
        int index = args.indexOf(flag);
        assertTrue(index >= 0 && index + 1 < args.size(), flag + " in " + args);
        return args.get(index + 1);
    }

    private static String pomVersion() throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        var project = factory.newDocumentBuilder().parse(PROJECT.resolve("pom.xml").toFile()).getDocumentElement();
        var children = project.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i).getNodeName().equals("version")) {
                return children.item(i).getTextContent().trim();
            }
        }
        return fail("pom.xml has no <version>");
    }
}
