package io.sessionpresence.logging;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import io.sessionpresence.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.redisson.client.RedisException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Redisson's repeated failures during an outage are one full line, not one stack trace each. */
class LibraryLogLimitTest {
    private static LogRecord record(String logger, Level level, Throwable thrown) {
        LogRecord record = new LogRecord(level, "Unable to evict elements for 'sp:session-ids'");
        record.setLoggerName(logger);
        record.setThrown(thrown);
        return record;
    }

    @Test
    void aRepeatedRedissonFailureIsWrittenOnceAndTheRestCounted() {
        LibraryLogLimit filter = new LibraryLogLimit();
        String eviction = "org.redisson.eviction.MapCacheEvictionTask";
        try (LogCapture log = LogCapture.of(LibraryLogLimit.LOGGER)) {
            for (int i = 0; i < 500; i++) {
                assertFalse(filter.isLoggable(record(eviction, Level.SEVERE, new RedisException("down"))),
                        "the library's own record is not written");
            }
            assertEquals(1, log.records().size(), "one line for 500 failures within the window");
            LogRecord first = log.records().getFirst();
            assertEquals(eviction + ": Unable to evict elements for 'sp:session-ids'", first.getMessage());
            assertTrue(first.getThrown() instanceof RedisException, "the first keeps its exception");
        }
    }

    @Test
    void ourOwnRecordsAndTheLibrarysInformationPassUntouched() {
        LibraryLogLimit filter = new LibraryLogLimit();
        assertTrue(filter.isLoggable(record("io.sessionpresence.Main", Level.SEVERE, new RedisException("x"))));
        assertTrue(filter.isLoggable(record("org.redisson.Version", Level.INFO, null)));
        assertTrue(filter.isLoggable(record(LibraryLogLimit.LOGGER, Level.SEVERE, null)),
                "the limiter's own lines pass");
    }
}
