package io.sessionpresence.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Every log line, as a formatter writes it, formatted when it is published (on the logging
 * thread, as the service's console handler does: the request id is read there). Loggers opened
 * with {@link #open} get their level back on close.
 */
public final class LogLines extends Handler implements AutoCloseable {
    private final Logger root = Logger.getLogger("");
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Map<Logger, Level> opened = new HashMap<>();

    private LogLines(Formatter formatter) {
        setFormatter(formatter);
        setLevel(Level.ALL);
        root.addHandler(this);
    }

    public static LogLines of(Formatter formatter) {
        return new LogLines(formatter);
    }

    /** Lets {@code logger} (and its children) publish from {@code level} on, while this is open. */
    public LogLines open(String logger, Level level) {
        Logger opening = Logger.getLogger(logger);
        opened.putIfAbsent(opening, opening.getLevel());
        opening.setLevel(level);
        return this;
    }

    public List<String> lines() {
        return lines;
    }

    @Override
    public void publish(LogRecord record) {
        if (isLoggable(record)) {
            lines.add(getFormatter().format(record));
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        root.removeHandler(this);
        opened.forEach(Logger::setLevel);
    }
}
