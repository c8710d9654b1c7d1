package io.sessionpresence.presence;

import java.util.Optional;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionpresence.http.ApiException;
import io.sessionpresence.http.HttpJson;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JSON bodies of the heartbeat ({@code POST /api/heartbeat}), the session update
 * ({@code POST /api/session/update}) and session creation ({@code remember_me}), from any bytes:
 * each is a 4xx {@link ApiException} or a value that holds exactly what the body says, never a
 * server error and never a field silently changed.
 */
class RequestBodyFuzzTest {
    @FuzzTest
    void bodyIsRefusedOrReadExactly(FuzzedDataProvider data) {
        int route = data.consumeInt(0, 2);
        boolean optional = data.consumeBoolean();
        byte[] bytes = data.consumeRemainingAsBytes();
        try {
            ObjectNode body = HttpJson.parseObject(bytes, optional);
            switch (route) {
                case 0 -> checkHeartbeat(body, HeartbeatBody.from(body));
                case 1 -> checkSessionUpdate(body, SessionUpdateBody.from(body));
                default -> assertEquals(body.path("remember_me").asBoolean(false),
                        HttpJson.optBoolean(body, "remember_me", false));
            }
        } catch (ApiException refused) {
            assertTrue(refused.status() >= 400 && refused.status() < 500, refused.status() + " " + refused.getMessage());
        }
    }

    private static void checkHeartbeat(ObjectNode body, HeartbeatBody read) {
        assertEquals(text(body, "user"), read.user());
        assertEquals(text(body, "page").orElse(""), read.page());
        assertEquals(body.path("leaving").asBoolean(false), read.leaving());
        assertEquals(text(body, "session_token").filter(t -> !t.isBlank()), read.sessionToken());
    }

    private static void checkSessionUpdate(ObjectNode body, SessionUpdateBody read) {
        assertEquals(text(body, "sid"), Optional.of(read.sid()));
        assertFalse(read.sid().isEmpty());
        assertEquals(text(body, "user"), read.user());
    }

    /** What a string field says, when the body holds one (anything else must have been refused). */
    private static Optional<String> text(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        assertTrue(value.isTextual(), field + " accepted as " + value.getNodeType());
        return Optional.of(value.textValue());
    }
}
