package io.sessionpresence.json;

import java.util.Comparator;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The strict parser on any bytes: it answers with a tree or a {@link Json.MalformedJson}, nothing
 * else (an uncaught exception fails the fuzz test), and a tree it accepts is written and read back
 * as the same JSON value, in bytes and in characters alike, so nothing a client sends is stored or
 * relayed altered.
 */
class JsonFuzzTest {
    @FuzzTest
    void parsesOrRefuses(byte[] input) {
        JsonNode tree;
        try {
            tree = Json.parse(input);
        } catch (Json.MalformedJson refused) {
            return;
        }
        // Both forms: bytes (HTTP answers, Redis) and characters (socket frames). A string may hold
        // an unpaired surrogate escape (refused later by the field readers): only the byte form
        // escapes it, so the character form is not compared as bytes.
        byte[] bytes = Json.write(tree);
        String text = Json.writeString(tree);
        assertTrue(tree.equals(SAME_NUMBERS, reparsed(() -> Json.parse(bytes))), text);
        assertTrue(tree.equals(SAME_NUMBERS, reparsed(() -> Json.parse(text))), text);
    }

    /**
     * Nodes compared as JSON values: numbers by value, so that a decimal written back without
     * its fraction ({@code 1.0e1} is written {@code 10}, and read back as an integer) is the same.
     */
    private static final Comparator<JsonNode> SAME_NUMBERS = (a, b) -> a.isNumber() && b.isNumber()
            ? a.decimalValue().compareTo(b.decimalValue())
            : a.equals(b) ? 0 : 1;

    private interface Parse {
        JsonNode run() throws Json.MalformedJson;
    }

    private static JsonNode reparsed(Parse parse) {
        try {
            return parse.run();
        } catch (Json.MalformedJson e) {
            throw new AssertionError("the parser refuses what the codec wrote: " + e.getMessage(), e);
        }
    }
}
