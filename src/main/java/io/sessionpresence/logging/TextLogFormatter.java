package io.sessionpresence.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.logging.Formatter;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

/**
 * {@link java.util.logging.SimpleFormatter}'s lines (its {@code format} property of
 * logging.properties, the same six arguments), with the logger name followed by
 * {@code " [<request id>]"} on a line logged while serving a request:
 * {@code 2026.01.05 10:00:00 WARNING io.sessionpresence.http.ErrorHandlers [5f0c2a9e1b7d4c3a]: ...}.
 * The format stays one that Helidon's own formatter, which writes the lines logged before this
 * one is installed, can also print.
 */
public final class TextLogFormatter extends Formatter {
    private static final String DEFAULT_FORMAT = "%1$tY.%1$tm.%1$td %1$tH:%1$tM:%1$tS %4$s %3$s: %5$s%6$s%n";
    private final String format;

    public TextLogFormatter() {
        this(LogManager.getLogManager().getProperty("java.util.logging.SimpleFormatter.format"));
    }

    TextLogFormatter(String configuredFormat) {
        this.format = configuredFormat == null ? DEFAULT_FORMAT : configuredFormat;
    }

    @Override
    public String format(LogRecord record) {
        String thrown = "";
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            PrintWriter out = new PrintWriter(trace);
            out.println();
            record.getThrown().printStackTrace(out);
            out.close();
            thrown = trace.toString();
        }
        String logger = record.getLoggerName() + RequestId.current().map(id -> " [" + id + "]").orElse("");
        return String.format(format, ZonedDateTime.ofInstant(record.getInstant(), ZoneId.systemDefault()), new Source(record),
                logger, record.getLevel().getLocalizedName(), formatMessage(record), thrown);
    }

    /**
     * The format's second argument, worked out only if the format prints it: a record's source
     * class is found by walking the logging thread's stack, and the shipped format does not print
     * it, on a line written for every request (the access log).
     */
    private record Source(LogRecord record) {
        @Override
        public String toString() {
            String className = record.getSourceClassName();
            if (className == null) {
                return record.getLoggerName();
            }
            return record.getSourceMethodName() == null ? className : className + " " + record.getSourceMethodName();
        }
    }
}
