package io.sessionpresence.http;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Ids in a path are %-decoded as UTF-8 and nothing else, or refused with the reason. */
class RawPathTest {
    @Test
    void decodesEscapesOnly() {
        assertEquals("a+b c", RawPath.decode("a+b%20c", "id"));
        assertEquals("a;b=c/d", RawPath.decode("a;b=c%2Fd", "id"));
        assertEquals("cr\r\nlf|😀", RawPath.decode("cr%0D%0Alf%7C%F0%9F%98%80", "id"));
        assertEquals("ünï", RawPath.decode("ünï", "id"));
        assertEquals("%", RawPath.decode("%25", "id"));
    }

    @Test
    void refusesIncompleteEscapesAndBytesThatAreNotUtf8() {
        for (String bad : List.of("%", "%4", "a%zz", "%٣٣")) {
            ApiException e = assertThrows(ApiException.class, () -> RawPath.decode(bad, "session id"), bad);
            assertEquals(400, e.status());
            assertEquals("The session id in the path has an incomplete %-escape", e.getMessage());
        }
        for (String bad : List.of("%C3", "%FF", "%ED%A0%80", "%C0%AF")) {
            ApiException e = assertThrows(ApiException.class, () -> RawPath.decode(bad, "session id"), bad);
            assertEquals(400, e.status());
            assertEquals("The session id in the path is not percent-encoded UTF-8", e.getMessage());
        }
    }
}
