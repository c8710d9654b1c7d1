package io.sessionpresence.json;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The strict parser on any bytes: it answers with a tree or a {@link Json.MalformedJson}, nothing
 * else (an uncaught exception fails the fuzz test), and a tree it accepts is written and read back
 * as the same tree, from bytes and from characters alike, so nothing a client sends is stored or
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
        String written = Json.writeString(tree);
        assertEquals(tree, reparsed(() -> Json.parse(written.getBytes(StandardCharsets.UTF_8))), written);
        assertEquals(tree, reparsed(() -> Json.parse(written)), written);
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
