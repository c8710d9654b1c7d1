package io.sessionpresence.logging;

import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.sessionpresence.testing.LogCapture;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A burst of one error is one line, then one line per window with the count of the others. */
class LogLimiterTest {
    private static final Duration WINDOW = Duration.ofMillis(300);
    private static final String LOGGER = "io.sessionpresence.test.limiter";

    @Test
    void aBurstIsItsFirstLineThenACountPerWindow() throws Exception {
        LogLimiter limiter = new LogLimiter(Logger.getLogger(LOGGER), WINDOW);
        try (LogCapture log = LogCapture.of(LOGGER)) {
            RuntimeException failure = new IllegalStateException("down");
            for (int i = 0; i < 13_000; i++) {
                int n = i;
                limiter.log(Level.WARNING, "Store unavailable", () -> "Store unavailable on request " + n, failure);
            }
            List<LogRecord> first = log.records();
            assertEquals(1, first.size(), "one line for the burst so far");
            assertEquals("Store unavailable on request 0", first.getFirst().getMessage());
            assertNotNull(first.getFirst().getThrown(), "the first line has its exception");

            LogRecord summary = awaitRecord(log, 2);
            assertEquals("Store unavailable: 12,999 more in the last 300 ms", summary.getMessage());
            assertEquals(Level.WARNING, summary.getLevel());
            assertNull(summary.getThrown(), "no stack trace with the count");

            // Still failing in the next window: counted again, one line at its end.
            limiter.log(Level.WARNING, "Store unavailable", () -> "again");
            limiter.log(Level.WARNING, "Store unavailable", () -> "again");
            assertEquals("Store unavailable: 2 more in the last 300 ms", awaitRecord(log, 3).getMessage());

            // A quiet window later, the next one is logged in full.
            Thread.sleep(WINDOW.toMillis() * 2);
            limiter.log(Level.WARNING, "Store unavailable", () -> "after the outage");
            assertEquals("after the outage", log.records().get(3).getMessage());
            Thread.sleep(WINDOW.toMillis() * 2);
            assertEquals(4, log.records().size(), "no count line when nothing was left out");
        }
    }

    @Test
    void keysAreCountedApart() {
        LogLimiter limiter = new LogLimiter(Logger.getLogger(LOGGER), WINDOW);
        try (LogCapture log = LogCapture.of(LOGGER)) {
            for (int i = 0; i < 10; i++) {
                limiter.log(Level.WARNING, "a", () -> "a");
                limiter.log(Level.SEVERE, "b", () -> "b");
            }
            assertEquals(List.of("a", "b"), log.records().stream().map(LogRecord::getMessage).toList());
        }
    }

    private static LogRecord awaitRecord(LogCapture log, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (log.records().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(log.records().size() >= count, "line " + count + " within 5 s: " + log.records().size());
        return log.records().get(count - 1);
    }
}
