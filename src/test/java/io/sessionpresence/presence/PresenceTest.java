package io.sessionpresence.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonFormat;
import io.sessionpresence.json.Json;
import org.junit.jupiter.api.Test;

class PresenceTest {
    private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    /** Redisson's RMapCache value: struct.pack('dLc0', maxIdle, length, value), a double and a long first. */
    private static final int REDISSON_VALUE_PREFIX = 16;

    @Test
    void theStoredValueHoldsWhatTheKeyDoesNot() {
        Presence entry = new Presence("a|b", "2001:db8::1", "Mozilla/5.0 \"x\"", "/p?q=1", 1_764_680_000_123L, true);

        assertEquals("[\"Mozilla/5.0 \\\"x\\\"\",\"/p?q=1\",1764680000123,1]", entry.stored());
        assertEquals("a|b|2001:db8::1", entry.key());
        assertEquals(entry, Presence.fromStored(entry.key(), entry.stored()), "a user holding '|' splits at the last one");
    }

    @Test
    void aBrowsersEntryStaysUnderRedissCompactHashLimit() {
        Presence entry = new Presence("user-1", "10.0.0.1", CHROME, "/pricing", 1_764_680_000_123L, false);

        assertEquals("[\"~0131~N~O\",\"/pricing\",1764680000123,0]", entry.stored());
        assertTrue(REDISSON_VALUE_PREFIX + entry.stored().length() <= 64, entry.stored());
        assertEquals(entry, Presence.fromStored(entry.key(), entry.stored()));
    }

    /** What earlier builds read the stored array into. */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    record EarlierStored(String ua, String page, long lastSeen, boolean verified) {
    }

    @Test
    void earlierBuildsReadTheseValuesDuringARollingUpdate() {
        Presence entry = new Presence("user-1", "10.0.0.1", CHROME, "/pricing", 5, true);

        assertEquals(new EarlierStored("~0131~N~O", "/pricing", 5, true), Json.read(entry.stored(), EarlierStored.class));
    }

    @Test
    void valuesOfTheLayoutBeforeAreStillRead() {
        Presence entry = new Presence("u1", "10.0.0.1", CHROME, "/p", 5, true);

        assertEquals(entry, Presence.fromStored(entry.key(), "[\"" + CHROME + "\",\"/p\",5,true]"));
        assertEquals(new SessionActivity("sid-1", "u1", "10.0.0.1", "~0", 7, false),
                SessionActivity.fromStored("sid-1", "[\"u1\",\"10.0.0.1\",\"~0\",7,false]"),
                "a User-Agent of the layout before is not expanded");
    }

    @Test
    void aValueWrittenAsAWholeObjectIsStillRead() {
        Presence entry = new Presence("u1", "10.0.0.1", "ua", "/", 5, false);
        String object = "{\"user\":\"u1\",\"ip\":\"10.0.0.1\",\"ua\":\"ua\",\"page\":\"/\",\"lastSeen\":5,\"verified\":false}";

        assertEquals(entry, Presence.fromStored(entry.key(), object));
    }

    @Test
    void sessionActivityIsStoredWithoutItsSid() {
        SessionActivity entry = new SessionActivity("sid-1", "u1", "10.0.0.1", "ua", 7, true);

        assertEquals("[\"u1\",\"10.0.0.1\",\"ua\",7,1]", entry.stored());
        assertEquals(entry, SessionActivity.fromStored("sid-1", entry.stored()));
        assertEquals(entry, SessionActivity.fromStored("sid-1",
                "{\"sid\":\"sid-1\",\"user\":\"u1\",\"ip\":\"10.0.0.1\",\"ua\":\"ua\",\"last_activity\":7,\"verified\":true}"));
    }
}
