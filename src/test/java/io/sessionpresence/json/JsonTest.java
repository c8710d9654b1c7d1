package io.sessionpresence.json;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Cases of the strict parser, each first found by {@link JsonFuzzTest}. */
class JsonTest {
    /** Read as infinity, it was written back as the string "Infinity": a cached number altered. */
    @Test
    void numberBeyondTheRangeOfADoubleIsMalformed() {
        for (String json : new String[] {"1e5210", "[-1E400]", "{\"a\":{\"b\":[0,1e999]}}"}) {
            Json.MalformedJson refused = assertThrows(Json.MalformedJson.class,
                    () -> Json.parse(json.getBytes(StandardCharsets.UTF_8)), json);
            assertEquals("a number beyond the range of a double", refused.getMessage());
        }
    }

    /** The largest double and integers past a long are numbers all the same. */
    @Test
    void largeFiniteNumbersStayNumbers() throws Json.MalformedJson {
        assertEquals("[1.7976931348623157E308,100000000000000000000000000000]",
                Json.writeString(Json.parse("[1.7976931348623157e308,100000000000000000000000000000]")));
    }
}
