package io.sessionpresence.logging;

import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Warnings and errors of Redisson go through a {@link LogLimiter}: while Redis is down, its
 * eviction task logs a SEVERE stack trace per map and per run, and its connection watchdog one
 * per attempt, so an outage would otherwise flood the log as our own per-request errors did.
 * The first record of a kind (logger, level, exception class) is written in full, under logger
 * {@value #LOGGER} with the library's logger name in front; the others are counted.
 * Installed as a filter of the root handlers, since a logger's own filter never sees the records
 * of the loggers below it.
 */
public final class LibraryLogLimit implements Filter {
    static final String LOGGER = "io.sessionpresence.library";
    private static final String LIMITED = "org.redisson";

    private final LogLimiter limiter = new LogLimiter(Logger.getLogger(LOGGER));

    /** Adds the filter to every handler of the root logger. */
    public static void install() {
        LibraryLogLimit filter = new LibraryLogLimit();
        for (var handler : Logger.getLogger("").getHandlers()) {
            handler.setFilter(filter);
        }
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        String logger = record.getLoggerName();
        if (logger == null || !logger.startsWith(LIMITED) || record.getLevel().intValue() < Level.WARNING.intValue()) {
            return true;
        }
        String thrown = record.getThrown() == null ? "" : " (" + record.getThrown().getClass().getSimpleName() + ")";
        limiter.log(record.getLevel(), logger + " " + record.getLevel() + thrown,
                () -> logger + ": " + record.getMessage(), record.getThrown());
        return false;
    }
}
