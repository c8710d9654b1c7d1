package io.sessionpresence.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionpresence.http.ErrorHandlers;
import io.sessionpresence.logging.JsonLogFormatter;
import io.sessionpresence.testing.LogLines;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestRedis;
import io.sessionpresence.testing.TestService;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Redis outage under load is a few log lines, not one per request: the first failure in full
 * (with the request id of its request), then a line with the count of the others.
 */
class OutageLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SUMMARY = Pattern.compile("Store unavailable \\((\\w+)\\): ([\\d,]+) more in the last 10 s");
    private static final Pattern FIRST = Pattern.compile("Store unavailable on .*: (\\w+)");
    private static final int REQUESTS = 60;

    @Test
    void failingRequestsAreOneLineThenACount() throws Exception {
        int port = TestRedis.freePort();
        TestRedis redis = TestRedis.startLocal(port);
        try (LogLines log = LogLines.of(new JsonLogFormatter());
             TestService service = TestService.start(StoreKind.REDIS, Map.of(
                     "redis.url", "redis://127.0.0.1:" + port, "redis.timeout-ms", "1000"));
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            String token = service.token("outage-log-user");
            redis.close();
            assertEquals(503, service.get("/api/session/validate", "X-Session-Token", token,
                    "X-Request-Id", "outage-first").status());
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 1; i < REQUESTS; i++) {
                statuses.add(clients.submit(() -> service.get("/api/session/validate", "X-Session-Token", token).status()));
            }
            for (Future<Integer> status : statuses) {
                assertEquals(503, status.get());
            }

            // Count lines are left out: an earlier test's service may close a window of its own
            // (same logger) at any time, even before this test's first failure is logged.
            List<JsonNode> first = storeLines(log).stream().filter(line -> !isCount(line)).toList();
            assertTrue(first.size() <= 3, "at most one line per kind of failure so far: " + first);
            assertEquals("outage-first", first.getFirst().path("request_id").asText(),
                    "the first failure's line carries its request id: " + first.getFirst());

            // Each kind of failure (the exception's class: the first request may see another one
            // than the rest) is a line, then a count of its others when its window closes. Counts
            // of kinds this test logged no line of belong to an earlier test's service (same
            // logger), whose windows may close at any time.
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (accountedFor(storeLines(log)) < REQUESTS && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            List<JsonNode> lines = storeLines(log);
            assertEquals(REQUESTS, accountedFor(lines), "every failure is a line or in a count: " + lines);
            assertTrue(lines.size() <= 6, "a few lines for " + REQUESTS + " failures: " + lines);
        } finally {
            redis.close();
        }
    }

    private static List<JsonNode> storeLines(LogLines log) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : log.lines()) {
            JsonNode json = JSON.readTree(line);
            if (json.path("logger").asText().equals(ErrorHandlers.class.getName())) {
                lines.add(json);
            }
        }
        return lines;
    }

    private static boolean isCount(JsonNode line) {
        return SUMMARY.matcher(line.path("message").asText()).matches();
    }

    /** Failures in a line of their own, and in the count lines of the same kinds. */
    private static long accountedFor(List<JsonNode> lines) {
        Set<String> kinds = new HashSet<>();
        long accounted = 0;
        for (JsonNode line : lines) {
            Matcher first = FIRST.matcher(line.path("message").asText());
            if (first.matches()) {
                kinds.add(first.group(1));
                accounted++;
            }
        }
        for (JsonNode line : lines) {
            Matcher summary = SUMMARY.matcher(line.path("message").asText());
            if (summary.matches() && kinds.contains(summary.group(1))) {
                accounted += Long.parseLong(summary.group(2).replace(",", ""));
            }
        }
        return accounted;
    }
}
