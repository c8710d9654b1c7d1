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
        for (String json : new String[] {"1e5210", "[-1E400]", "{\"a\":{\"b\":[0,1e999]}}", "1E22200001620362356"}) {
            Json.MalformedJson refused = assertThrows(Json.MalformedJson.class,
                    () -> Json.parse(json.getBytes(StandardCharsets.UTF_8)), json);
            assertEquals("a number beyond the range of a double or with over 1000 decimal places", refused.getMessage());
        }
        assertThrows(Json.MalformedJson.class, () -> Json.parse("1e-1001"), "more than 1000 decimal places");
    }

    /**
     * A number is stored as sent: read as a double, {@code 1e-400} became {@code 0.0} and
     * {@code 1.000000000000000000001} became {@code 1.0} in a user's cache.
     */
    @Test
    void decimalsAreKeptExactly() throws Json.MalformedJson {
        assertEquals("[1E-400,1.000000000000000000001,1.50,-2.5E+300,1E-1000,0.1]",
                Json.writeString(Json.parse("[1e-400,1.000000000000000000001,1.50,-2.5e300,1e-1000,0.1]")));
    }

    /** The largest double and integers past a long are numbers all the same. */
    @Test
    void largeFiniteNumbersStayNumbers() throws Json.MalformedJson {
        assertEquals("[1.7976931348623157E+308,100000000000000000000000000000]",
                Json.writeString(Json.parse("[1.7976931348623157e308,100000000000000000000000000000]")));
    }
}
