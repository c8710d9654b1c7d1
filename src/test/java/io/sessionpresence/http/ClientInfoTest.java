package io.sessionpresence.http;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** X-Forwarded-For is believed only from trusted proxies, and then only up to the first untrusted hop. */
class ClientInfoTest {
    private final ClientInfo clients = new ClientInfo(List.of("10.0.0.1", "10.0.0.2"));

    @Test
    void untrustedPeerIsTheClient() {
        assertEquals("198.51.100.7", clients.resolve("198.51.100.7", "203.0.113.1"));
        assertEquals("198.51.100.7", clients.resolve("198.51.100.7", null));
    }

    @Test
    void trustedProxyForwardsTheRightMostUntrustedHop() {
        assertEquals("203.0.113.1", clients.resolve("10.0.0.1", "203.0.113.1"));
        assertEquals("203.0.113.9", clients.resolve("10.0.0.1", "1.1.1.1, 203.0.113.9, 10.0.0.2"),
                "a spoofed left-most entry is ignored");
        assertEquals("10.0.0.1", clients.resolve("10.0.0.1", "10.0.0.2"), "only proxies: the peer");
        assertEquals("10.0.0.1", clients.resolve("10.0.0.1", " , "));
    }

    @Test
    void aForwardedHopThatIsNoAddressIsNotBelieved() {
        // A '|' in an address would let "user|ip" keys of different users meet.
        assertEquals("10.0.0.1", clients.resolve("10.0.0.1", "203.0.113.1|x"));
        assertEquals("10.0.0.1", clients.resolve("10.0.0.1", "evil <script>"));
        assertEquals("10.0.0.1", clients.resolve("10.0.0.1", "a".repeat(65)));
        assertEquals("[2001:db8::1]", clients.resolve("10.0.0.1", "[2001:db8::1]"));
        assertEquals("fe80::1%eth0", clients.resolve("10.0.0.1", "fe80::1%eth0"));
        assertEquals("_hidden", clients.resolve("10.0.0.1", "_hidden"));
    }
}
