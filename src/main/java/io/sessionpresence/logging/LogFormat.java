package io.sessionpresence.logging;

import java.util.Locale;
import java.util.function.Supplier;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Logger;

/** How log lines are written ({@code logging.format}). */
public enum LogFormat {
    /** logging.properties' layout, with the request id after the logger name. */
    TEXT(TextLogFormatter::new),
    /** One JSON object per line, for log collectors. */
    JSON(JsonLogFormatter::new);

    private final Supplier<Formatter> formatter;

    LogFormat(Supplier<Formatter> formatter) {
        this.formatter = formatter;
    }

    /** {@code "text"} or {@code "json"}. */
    public static LogFormat named(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    /**
     * Every handler of the root logger (the console handler logging.properties sets up) writes
     * in this format from now on.
     */
    public void install() {
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            handler.setFormatter(formatter.get());
        }
    }
}
