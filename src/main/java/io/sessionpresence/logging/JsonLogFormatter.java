package io.sessionpresence.logging;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * One JSON object per line: {@code time} (ISO-8601, UTC), {@code level}, {@code logger},
 * {@code message}, {@code thread}, {@code request_id} when the line belongs to a request, and for
 * a record with an exception its {@code exception} class and {@code exception_message}. No stack
 * trace: a log collector gets one line per event, and an error repeated per request (a Redis
 * outage) cannot fill the log with traces.
 */
public final class JsonLogFormatter extends Formatter {
    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public String format(LogRecord record) {
        StringWriter line = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(line)) {
            json.writeStartObject();
            json.writeStringField("time", record.getInstant().toString());
            json.writeStringField("level", record.getLevel().getName());
            json.writeStringField("logger", record.getLoggerName());
            json.writeStringField("message", formatMessage(record));
            json.writeStringField("thread", threadName());
            String requestId = RequestId.current().orElse(null);
            if (requestId != null) {
                json.writeStringField("request_id", requestId);
            }
            Throwable thrown = record.getThrown();
            if (thrown != null) {
                json.writeStringField("exception", thrown.getClass().getName());
                if (thrown.getMessage() != null) {
                    json.writeStringField("exception_message", thrown.getMessage());
                }
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return line.append(System.lineSeparator()).toString();
    }

    /** The logging thread's name; virtual threads (one per request) have none, so their id. */
    private static String threadName() {
        Thread thread = Thread.currentThread();
        return thread.getName().isEmpty() ? "virtual-" + thread.threadId() : thread.getName();
    }
}
