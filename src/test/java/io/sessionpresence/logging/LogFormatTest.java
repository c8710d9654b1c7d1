package io.sessionpresence.logging;

import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a line looks like in each format, inside and outside a request. */
class LogFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void jsonIsOneObjectPerLineWithTheExceptionButNoTrace() throws Exception {
        LogRecord record = new LogRecord(Level.WARNING, "Store unavailable on {0}");
        record.setParameters(new Object[] {"GET /api/x \"quoted\"\nnext"});
        record.setLoggerName("io.sessionpresence.http.ErrorHandlers");
        record.setThrown(new IllegalStateException("Redis did not answer", new RuntimeException("cause")));
        AtomicReference<String> line = new AtomicReference<>();
        RequestId.runWith("req-1", () -> line.set(new JsonLogFormatter().format(record)));

        assertTrue(line.get().endsWith(System.lineSeparator()));
        assertEquals(1, line.get().strip().lines().count(), "one line: " + line.get());
        JsonNode json = JSON.readTree(line.get());
        assertEquals("WARNING", json.path("level").asText());
        assertEquals("io.sessionpresence.http.ErrorHandlers", json.path("logger").asText());
        assertEquals("Store unavailable on GET /api/x \"quoted\"\nnext", json.path("message").asText());
        assertEquals("req-1", json.path("request_id").asText());
        assertEquals(IllegalStateException.class.getName(), json.path("exception").asText());
        assertEquals("Redis did not answer", json.path("exception_message").asText());
        assertEquals(record.getInstant().toString(), json.path("time").asText());
        assertFalse(json.path("thread").asText().isEmpty());
        assertFalse(line.get().contains("\tat "), "no stack trace");

        JsonNode outside = JSON.readTree(new JsonLogFormatter().format(new LogRecord(Level.INFO, "started")));
        assertTrue(outside.path("request_id").isMissingNode(), "no request, no id: " + outside);
    }

    @Test
    void textPutsTheRequestIdAfterTheLoggerName() {
        LogRecord record = new LogRecord(Level.INFO, "hello");
        record.setLoggerName("some.logger");
        AtomicReference<String> line = new AtomicReference<>();
        RequestId.runWith("req-2", () -> line.set(new TextLogFormatter().format(record)));
        assertTrue(line.get().contains("some.logger [req-2]: hello"), line.get());
        assertTrue(new TextLogFormatter().format(record).contains("some.logger: hello"));
    }

    @Test
    void textPrintsTheSourceWhenItsFormatAsksForIt() {
        LogRecord record = new LogRecord(Level.INFO, "hello");
        record.setLoggerName("some.logger");
        record.setSourceClassName("some.Caller");
        record.setSourceMethodName("call");
        assertEquals("some.Caller call | some.logger: hello\n", new TextLogFormatter("%2$s | %3$s: %5$s\n").format(record));
        record.setSourceMethodName(null);
        assertEquals("some.Caller\n", new TextLogFormatter("%2$s\n").format(record));
    }
}
