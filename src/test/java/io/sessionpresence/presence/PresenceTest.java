package io.sessionpresence.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PresenceTest {
    @Test
    void theStoredValueHoldsWhatTheKeyDoesNot() {
        Presence entry = new Presence("a|b", "2001:db8::1", "Mozilla/5.0 \"x\"", "/p?q=1", 1_764_680_000_123L, true);

        assertEquals("[\"Mozilla/5.0 \\\"x\\\"\",\"/p?q=1\",1764680000123,true]", entry.stored());
        assertEquals("a|b|2001:db8::1", entry.key());
        assertEquals(entry, Presence.fromStored(entry.key(), entry.stored()), "a user holding '|' splits at the last one");
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

        assertEquals("[\"u1\",\"10.0.0.1\",\"ua\",7,true]", entry.stored());
        assertEquals(entry, SessionActivity.fromStored("sid-1", entry.stored()));
        assertEquals(entry, SessionActivity.fromStored("sid-1",
                "{\"sid\":\"sid-1\",\"user\":\"u1\",\"ip\":\"10.0.0.1\",\"ua\":\"ua\",\"last_activity\":7,\"verified\":true}"));
    }
}
