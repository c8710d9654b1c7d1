package io.sessionpresence.http;

import java.util.List;
import java.util.Map;

import io.sessionpresence.config.ConfigLoader;
import io.sessionpresence.config.InvalidConfigException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exact addresses and CIDR ranges, IPv4 and IPv6, as trusted proxies and limit exemptions take them. */
class AddressRangesTest {
    @Test
    void ipv4RangesAndExactAddresses() {
        AddressRanges ranges = AddressRanges.of(List.of("10.0.0.0/8", "192.168.1.7", "172.16.0.0/12", "100.64.0.0/10"));
        assertTrue(ranges.contains("10.255.3.4"));
        assertTrue(ranges.contains("192.168.1.7"));
        assertFalse(ranges.contains("192.168.1.8"), "an exact address is a /32");
        assertTrue(ranges.contains("172.31.255.255"));
        assertFalse(ranges.contains("172.32.0.0"));
        assertTrue(ranges.contains("100.127.0.1"), "a prefix that is no multiple of 8");
        assertFalse(ranges.contains("100.128.0.1"));
        assertFalse(ranges.contains("11.0.0.1"));
        assertTrue(AddressRanges.of(List.of("0.0.0.0/0")).contains("8.8.8.8"));
    }

    @Test
    void ipv6RangesBracketsAndZones() {
        AddressRanges ranges = AddressRanges.of(List.of("2001:db8::/32", "::1", "fe80::/10"));
        assertTrue(ranges.contains("2001:db8:1234::5"));
        assertTrue(ranges.contains("[2001:db8::1]"));
        assertFalse(ranges.contains("2001:db9::1"));
        assertTrue(ranges.contains("::1"));
        assertTrue(ranges.contains("0:0:0:0:0:0:0:1"), "any spelling of the address");
        assertTrue(ranges.contains("fe80::1%eth0"));
        assertFalse(ranges.contains("10.0.0.1"), "an IPv4 address is in no IPv6 range");
    }

    @Test
    void whatIsNoAddressIsInNoRangeAndNeverResolved() {
        AddressRanges ranges = AddressRanges.of(List.of("0.0.0.0/0", "::/0"));
        assertFalse(ranges.contains("localhost"));
        assertFalse(ranges.contains("_hidden"));
        assertFalse(ranges.contains(""));
        assertFalse(ranges.contains(null));
        assertFalse(AddressRanges.of(List.of()).contains("127.0.0.1"));
    }

    @Test
    void aMalformedEntryIsRefusedNamingTheKey() {
        for (String bad : List.of("localhost", "10.0.0.0/33", "::/129", "10.0.0.0/x", "10.0.0.256", "1.2.3.4/-1")) {
            assertThrows(IllegalArgumentException.class, () -> AddressRanges.of(List.of(bad)), bad);
        }
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> AddressRanges.setting(
                ConfigLoader.load(Map.of(), Map.of("presence.trusted-proxies", "10.0.0.0/8,proxy.internal")),
                "presence.trusted-proxies"));
        assertTrue(e.getMessage().contains("presence.trusted-proxies") && e.getMessage().contains("proxy.internal"),
                e.getMessage());
    }

    @Test
    void trustedProxiesByRange() {
        ClientInfo clients = new ClientInfo(List.of("10.0.0.0/8", "fd00::/8"));
        assertEquals("203.0.113.1", clients.resolve("10.1.2.3", "203.0.113.1"));
        assertEquals("203.0.113.1", clients.resolve("10.1.2.3", "203.0.113.1, 10.9.9.9"),
                "a proxy hop inside the range is skipped");
        assertEquals("2001:db8::9", clients.resolve("fd12::1", "2001:db8::9"));
        assertEquals("11.0.0.1", clients.resolve("11.0.0.1", "203.0.113.1"), "a peer outside is not believed");
    }
}
