package io.sessionpresence.logging;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Writes an error that repeats per request (every request during a Redis outage: 13,441 lines in
 * 40 s) once, then at most one line per window with how many were left out:
 * {@code "<key>: 13,000 more in the last 10 s"}. Per key: the first occurrence is logged in full
 * (its message, its exception, the request id of its request); occurrences within the window
 * after it are only counted, and when the window ends, a line gives the count and a new window
 * begins. An occurrence after a quiet window is logged in full again.
 *
 * <p>Keys name a kind of error ({@code "Store unavailable (RedisTimeoutException)"}); they come
 * from the code, never from a request, so their number stays small.
 */
public final class LogLimiter {
    private static final Duration WINDOW = Duration.ofSeconds(10);
    private final Logger logger;
    private final long windowNanos;
    private final String windowText;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public LogLimiter(Logger logger) {
        this(logger, WINDOW);
    }

    LogLimiter(Logger logger, Duration window) {
        this.logger = logger;
        this.windowNanos = window.toNanos();
        this.windowText = window.toMillis() % 1000 == 0 ? window.toSeconds() + " s" : window.toMillis() + " ms";
    }

    public void log(Level level, String key, Supplier<String> message) {
        log(level, key, message, null);
    }

    /** @param thrown attached to the first line of a window only */
    public void log(Level level, String key, Supplier<String> message, Throwable thrown) {
        if (!logger.isLoggable(level)) {
            return;
        }
        Window window = windows.computeIfAbsent(key, Window::new);
        if (window.suppress(level, System.nanoTime())) {
            return;
        }
        LogRecord record = new LogRecord(level, message.get());
        record.setLoggerName(logger.getName());
        record.setThrown(thrown);
        logger.log(record);
    }

    /** One key's current window. */
    private final class Window {
        private final String key;
        private boolean open;
        private long start;
        private long suppressed;
        private Level level;
        private boolean closing;

        Window(String key) {
            this.key = key;
        }

        /** Whether this occurrence falls in the open window (then counted); if not, one opens now. */
        synchronized boolean suppress(Level occurrence, long now) {
            if (open && now - start < windowNanos) {
                suppressed++;
                level = occurrence;
                if (!closing) {
                    closing = true;
                    long delay = start + windowNanos - now;
                    Thread.ofVirtual().name("log-limiter").start(() -> closeAfter(delay));
                }
                return true;
            }
            open = true;
            start = now;
            return false;
        }

        private void closeAfter(long delayNanos) {
            try {
                TimeUnit.NANOSECONDS.sleep(delayNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long count;
            Level summaryLevel;
            synchronized (this) {
                count = suppressed;
                summaryLevel = level;
                suppressed = 0;
                closing = false;
                start = System.nanoTime();
            }
            logger.log(summaryLevel, () -> key + ": " + String.format(Locale.ROOT, "%,d", count)
                    + " more in the last " + windowText);
        }
    }
}
