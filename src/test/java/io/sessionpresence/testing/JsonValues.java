package io.sessionpresence.testing;

import java.util.Comparator;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * JSON trees compared as JSON values: numbers by value. Client decimals are kept as
 * {@code BigDecimal}s, and one without a fraction is written back as an integer ({@code 1.0e1}
 * as {@code 10}, {@code -0e0} as {@code 0}), which reads back as another node type.
 */
public final class JsonValues {
    private static final Comparator<JsonNode> SAME_NUMBERS = (a, b) -> a.isNumber() && b.isNumber()
            ? a.decimalValue().compareTo(b.decimalValue())
            : a.equals(b) ? 0 : 1;

    private JsonValues() {
    }

    /** True when both are absent, or both hold the same JSON value. */
    public static boolean same(JsonNode a, JsonNode b) {
        return a == null ? b == null : b != null && a.equals(SAME_NUMBERS, b);
    }
}
