package io.sessionpresence.json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;

/**
 * The JSON codec of the whole service: one {@link ObjectMapper} for HTTP bodies, socket frames,
 * stored values and events between instances, so what is in Redis reads the same as what the API
 * returns; and the one strict parser for JSON that comes from clients.
 */
public final class Json {
    private static final String NOT_JSON = "not valid JSON";
    private static final String NOT_UTF8 = "not valid UTF-8";
    private static final String TRAILING = "content after the JSON value";
    private static final String DUPLICATE_FIELD = "a field appears twice in one object";
    /** Decimal places a client's number may have: a bound on what writing it back may cost. */
    private static final int MAX_SCALE = 1000;
    private static final String NUMBER_RANGE = "a number beyond the range of a double or with over "
            + MAX_SCALE + " decimal places";
    /**
     * Blackbird: record and bean accessors through generated lambdas, not {@code Method.invoke}
     * (reflection was the largest share of writing the validate answer in JFR samples). It only
     * does this for public types: a private record is still written through reflection.
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(new BlackbirdModule())
            .build();

    /**
     * Client JSON: a field named twice is an error (in a tree the later value would replace the
     * other), and a number with a fraction or an exponent is kept as the decimal it was sent as,
     * not rounded to a double ({@code 1e-400} became {@code 0.0} in a user's cache, and
     * {@code 1.000000000000000000001} became {@code 1.0}).
     */
    private static final ObjectReader CLIENT_TREE = MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY, DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);

    private Json() {
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    public static String writeString(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An ordered JSON object from alternating names and values: {@code fields("success", true, "n", 3)}. */
    public static Map<String, Object> fields(Object... namesAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            map.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return map;
    }

    /** Why a client's JSON text was refused; the message is safe to show the client. */
    public static final class MalformedJson extends Exception {
        private MalformedJson(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The one way client JSON is read (HTTP bodies, {@code /ws} frames, Socket.IO payloads), with
     * {@code JSON.parse}'s strictness: exactly one value and nothing after it but whitespace, so
     * that {@code {"user":"a"} x} is refused rather than read as {@code {"user":"a"}}. A field
     * named twice is refused too: keeping either value would silently drop the other, and so is a
     * number no double can hold; every other number is kept exactly as sent.
     * Every failure is a {@link MalformedJson}, which callers turn into their own 400 or error event.
     */
    public static JsonNode parse(byte[] json) throws MalformedJson {
        if (!isUtf8(json)) {
            throw new MalformedJson(NOT_UTF8);
        }
        return parse(() -> MAPPER.createParser(json));
    }

    /**
     * Jackson's byte parser decodes a field name's four-byte sequences without checking that they
     * stay within Unicode ({@code F4 B3 B3 B3} became a name that no parser reads back), so bytes
     * that are not strict UTF-8 are refused before it sees them. Plain ASCII, nearly every body,
     * skips the decoder.
     */
    private static boolean isUtf8(byte[] json) {
        for (byte b : json) {
            if (b < 0) {
                try {
                    StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(json));
                    return true;
                } catch (CharacterCodingException e) {
                    return false;
                }
            }
        }
        return true;
    }

    /** {@link #parse(byte[])} for text that arrived as characters (WebSocket frames). */
    public static JsonNode parse(String json) throws MalformedJson {
        return parse(() -> MAPPER.createParser(json));
    }

    private interface ParserSource {
        JsonParser open() throws IOException;
    }

    private static JsonNode parse(ParserSource source) throws MalformedJson {
        try (JsonParser parser = source.open()) {
            return parseOne(parser);
        } catch (IOException e) {
            throw new MalformedJson(NOT_JSON);
        }
    }

    private static JsonNode parseOne(JsonParser parser) throws IOException, MalformedJson {
        JsonNode node;
        try {
            node = CLIENT_TREE.readTree(parser);
        } catch (DatabindException e) {
            throw new MalformedJson(DUPLICATE_FIELD);
        } catch (NumberFormatException e) {
            // an exponent past what a BigDecimal holds (1e22200001620362356)
            throw new MalformedJson(NUMBER_RANGE);
        }
        if (node == null) {
            throw new MalformedJson("no JSON value");
        }
        JsonToken after;
        try {
            after = parser.nextToken();
        } catch (StreamReadException e) {
            after = JsonToken.NOT_AVAILABLE;
        }
        if (after != null) {
            throw new MalformedJson(TRAILING);
        }
        if (hasNumberOutOfRange(node)) {
            throw new MalformedJson(NUMBER_RANGE);
        }
        return node;
    }

    /**
     * Whether a decimal in the tree is beyond what a double holds ({@code 1e999}: a JavaScript
     * client would read it back as {@code Infinity}) or has more than {@value #MAX_SCALE}
     * decimal places. Its adjusted exponent is checked before its double value is computed.
     */
    private static boolean hasNumberOutOfRange(JsonNode tree) {
        Deque<JsonNode> pending = new ArrayDeque<>(List.of(tree));
        while (!pending.isEmpty()) {
            JsonNode node = pending.pop();
            if (node.isBigDecimal()) {
                BigDecimal value = node.decimalValue();
                if (value.scale() > MAX_SCALE || value.precision() - value.scale() - 1 > Double.MAX_EXPONENT
                        || Double.isInfinite(value.doubleValue())) {
                    return true;
                }
            }
            node.forEach(pending::push);
        }
        return false;
    }
}
