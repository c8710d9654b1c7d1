package io.sessionpresence.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.helidon.http.HttpPrologue;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.accesslog.AccessLogContext;
import io.helidon.webserver.accesslog.AccessLogFeature;
import io.helidon.webserver.accesslog.SizeLogEntry;
import io.helidon.webserver.accesslog.StatusLogEntry;
import io.helidon.webserver.accesslog.TimeTakenLogEntry;

/**
 * Helidon's access log, one INFO line per HTTP request on the service port, on the logger
 * {@value AccessLogFeature#DEFAULT_LOGGER_NAME}{@code .@default}:
 * {@code 10.0.0.7 "GET /api/session/validate HTTP/1.1" 200 143 1890} (client address, request
 * line, status, body bytes, microseconds). The request id is added by the log formatter, like on
 * every line of a request. The query is logged with the values of credential parameters replaced
 * by {@value #REDACTED}: {@code /ws?token=} and {@code ?session=} (accepted while
 * {@code realtime.query-credentials} is on), {@code session_token}, and Engine.IO's {@code sid},
 * which lets whoever has it poll that connection; and a session token ({@code sps_...}) anywhere in
 * the path or query. The management port is left out: probes and
 * scrapes every few seconds would be most of the lines.
 */
public final class AccessLog {
    static final String REDACTED = "[redacted]";
    private static final Set<String> CREDENTIALS = Set.of("token", "session", "session_token", "sid");
    /** A query parameter: its name, then its value up to the next separator. */
    private static final Pattern PARAMETER = Pattern.compile("([^&;=]*)=([^&;]*)");
    /** Session tokens' prefix ({@code session.Tokens}, which depends on this package, not the other way). */
    private static final String TOKEN_PREFIX = "sps_";
    /** A session token as it may appear in a URL: its prefix, then URL-safe characters and escapes. */
    private static final Pattern TOKEN = Pattern.compile(TOKEN_PREFIX + "[A-Za-z0-9._~%-]+");

    private AccessLog() {
    }

    /** Disabled, it still takes the place of the access log Helidon would discover on the classpath. */
    public static AccessLogFeature feature(boolean enabled) {
        return AccessLogFeature.builder()
                .enabled(enabled)
                .sockets(Set.of(WebServer.DEFAULT_SOCKET_NAME))
                .addEntry(AccessLog::host)
                .addEntry(AccessLog::requestLine)
                .addEntry(StatusLogEntry.create())
                .addEntry(SizeLogEntry.create())
                .addEntry(TimeTakenLogEntry.create())
                .build();
    }

    /**
     * The client's address; {@code -} once the socket is closed (a client gone before its answer),
     * where Helidon's own entry threw a NullPointerException and logged its stack for that request.
     */
    private static String host(AccessLogContext context) {
        try {
            return context.serverRequest().remotePeer().host();
        } catch (RuntimeException closed) {
            return "-";
        }
    }

    private static String requestLine(AccessLogContext context) {
        HttpPrologue prologue = context.serverRequest().prologue();
        String query = prologue.query().rawValue();
        return "\"" + prologue.method().text() + " " + redactTokens(prologue.uriPath().rawPath())
                + (query.isEmpty() ? "" : "?" + redactTokens(redact(query)))
                + " " + prologue.protocol() + "/" + prologue.protocolVersion() + "\"";
    }

    /** A session token anywhere (a client that put it in the path or a parameter of its own): {@code sps_[redacted]}. */
    static String redactTokens(String text) {
        return text.contains(TOKEN_PREFIX) ? TOKEN.matcher(text).replaceAll(TOKEN_PREFIX + REDACTED) : text;
    }

    /**
     * {@code a=1&token=x} → {@code a=1&token=[redacted]}. Names are compared as the service reads
     * them (percent-decoded: {@code %74oken} is {@code token}), ignoring case; a name that does not
     * decode is redacted too.
     */
    static String redact(String rawQuery) {
        Matcher parameter = PARAMETER.matcher(rawQuery);
        StringBuilder result = new StringBuilder();
        while (parameter.find()) {
            String name = parameter.group(1);
            parameter.appendReplacement(result, Matcher.quoteReplacement(
                    isCredential(name) ? name + "=" + REDACTED : parameter.group()));
        }
        return parameter.appendTail(result).toString();
    }

    private static boolean isCredential(String rawName) {
        try {
            return CREDENTIALS.contains(URLDecoder.decode(rawName, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException malformed) {
            return true;
        }
    }
}
