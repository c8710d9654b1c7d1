package io.sessionpresence.json;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.sessionpresence.testing.JsonValues;

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
        assertTrue(JsonValues.same(tree, reparsed(() -> Json.parse(bytes))), text);
        assertTrue(JsonValues.same(tree, reparsed(() -> Json.parse(text))), text);
    }

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
