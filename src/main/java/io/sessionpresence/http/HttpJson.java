package io.sessionpresence.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpException;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sessionpresence.json.Json;

/**
 * JSON over HTTP: answers and the error body, request bodies read within their size limit through
 * the strict parser, and typed body fields that turn a wrong type or length into a 400.
 */
public final class HttpJson {
    /** First read buffer when a body declares no Content-Length (chunked). */
    private static final long INITIAL_BODY_BUFFER = 512;

    private HttpJson() {
    }

    public static void send(ServerResponse res, int status, Object body) {
        byte[] bytes = Json.write(body);
        res.status(Status.create(status));
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.send(bytes);
    }

    public static void ok(ServerResponse res, Object body) {
        send(res, 200, body);
    }

    /**
     * The error body every route uses. It carries both source backends' conventions
     * ({@code success/error} of the session API and {@code status/message} of the presence API)
     * so that either family of existing clients finds the field it reads.
     */
    public static Map<String, Object> error(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", false);
        body.put("status", "error");
        body.put("error", message);
        body.put("message", message);
        body.put("code", status);
        return body;
    }

    /**
     * Reads the request body as a JSON object, enforcing the size limit. An absent or empty body
     * gives an empty object when {@code optional}, else 400.
     */
    public static ObjectNode readObject(ServerRequest req, long maxBytes, boolean optional) {
        OptionalLong declared = req.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > maxBytes) {
            throw ApiException.tooLarge("Request body exceeds " + maxBytes + " bytes");
        }
        return parseObject(readBody(req, maxBytes), optional);
    }

    /**
     * A request body, already read, as a JSON object: what {@link #readObject} does once the bytes
     * are in; a 400 for anything else.
     */
    public static ObjectNode parseObject(byte[] bytes, boolean optional) {
        if (bytes.length == 0 || isBlank(bytes)) {
            if (optional) {
                return Json.MAPPER.createObjectNode();
            }
            throw ApiException.badRequest("A JSON object body is required");
        }
        JsonNode node;
        try {
            node = Json.parse(bytes);
        } catch (Json.MalformedJson e) {
            throw ApiException.badRequest("Malformed JSON body: " + e.getMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            throw ApiException.badRequest("The body must be a JSON object");
        }
        return object;
    }

    /**
     * The request body, at most {@code maxBytes} (413 past it; 400 for a chunked or declared
     * length the bytes do not match); empty if there is none.
     */
    public static byte[] readBody(ServerRequest req, long maxBytes) {
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        int limit = (int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1);
        long declared = req.headers().contentLength().orElse(INITIAL_BODY_BUFFER);
        // Grow from the declared size: InputStream.readNBytes(limit) allocates 16 KB buffers
        // whatever the body, which was most of a heartbeat's garbage (load-tests, JFR).
        byte[] buffer = new byte[(int) Math.min(limit, Math.max(1, declared + 1))];
        int length = 0;
        InputStream in = req.content().inputStream();
        try {
            while ((length += in.readNBytes(buffer, length, buffer.length - length)) == buffer.length
                    && buffer.length < limit) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(limit, buffer.length * 4L));
            }
            in.close();
        } catch (HttpException | RequestException e) {
            throw e; // Helidon's own answer, e.g. 413 for a chunked body past server.max-payload-size
        } catch (IOException | RuntimeException e) {
            // Helidon's chunked decoder reports a malformed chunk size ("zz", beyond 2^31) as a
            // NumberFormatException and a body cut short as an IllegalStateException or an
            // unchecked I/O error: all of them are the client's framing, not our bug. The stream
            // is left unclosed: closing drains the rest, which a broken framing never ends, so the
            // answer waited for connections.body-timeout-ms; the connection closes after it instead.
            throw ApiException.malformedBody("Malformed request body: " + (req.headers().contentLength().isPresent()
                    ? "shorter than its Content-Length" : "invalid chunked transfer encoding"));
        }
        if (length > maxBytes) {
            throw ApiException.tooLarge("Request body exceeds " + maxBytes + " bytes");
        }
        return Arrays.copyOf(buffer, length);
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    /** A string field, absent or null gives empty; any other type is a 400 naming the field. */
    public static Optional<String> optString(JsonNode body, String field, int maxLength) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw ApiException.badRequest("Field '" + field + "' must be a string");
        }
        String text = value.textValue();
        if (text.length() > maxLength) {
            throw ApiException.badRequest("Field '" + field + "' is longer than " + maxLength + " characters");
        }
        if (hasUnpairedSurrogate(text)) {
            // A JSON escape can name half of a surrogate pair; UTF-8 (Redis, the wire) cannot
            // hold it, so it would come back as '?': refuse it rather than store something else.
            throw ApiException.badRequest(notUnicode(field));
        }
        return Optional.of(text);
    }

    /**
     * Refuses a JSON value to be stored as a whole (cached data) when any string in it holds an
     * unpaired surrogate, for the reason {@link #optString} gives. (Field names need no check:
     * the parser already refuses such a name as malformed.)
     */
    public static void requireUnicode(JsonNode value, String field) {
        if (value.isTextual() && hasUnpairedSurrogate(value.textValue())) {
            throw ApiException.badRequest(notUnicode(field));
        }
        value.forEach(child -> requireUnicode(child, field));
    }

    private static String notUnicode(String field) {
        return "Field '" + field + "' is not valid Unicode (an unpaired surrogate escape)";
    }

    private static boolean hasUnpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    public static boolean optBoolean(JsonNode body, String field, boolean fallback) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw ApiException.badRequest("Field '" + field + "' must be true or false");
        }
        return value.booleanValue();
    }

    /** A listing's {@code cursor} query parameter: where the page starts, 0 when absent. */
    public static int pageCursor(ServerRequest req) {
        return intQuery(req, "cursor", 0, 0, Integer.MAX_VALUE);
    }

    /** A listing's {@code limit} query parameter: 1 to 1000 entries, 100 when absent. */
    public static int pageLimit(ServerRequest req) {
        return intQuery(req, "limit", 100, 1, 1000);
    }

    /** An optional whole-number query parameter within [min, max]; 400 otherwise. */
    public static int intQuery(ServerRequest req, String name, int fallback, int min, int max) {
        Optional<String> raw = req.query().first(name).asOptional();
        if (raw.isEmpty() || raw.get().isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.get());
            if (value < min || value > max) {
                throw ApiException.badRequest("Query parameter '" + name + "' must be between " + min + " and " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("Query parameter '" + name + "' must be a whole number");
        }
    }
}
