package io.sessionpresence.http;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;

import io.helidon.config.Config;
import io.sessionpresence.config.InvalidConfigException;
import io.sessionpresence.config.Settings;

/**
 * A set of IP addresses given as exact addresses or CIDR ranges, IPv4 and IPv6
 * ({@code 10.0.0.1}, {@code 10.0.0.0/8}, {@code 2001:db8::/32}, {@code ::1}). Entries are parsed
 * as literals only, never looked up in DNS, so a configured name cannot change what is trusted.
 */
public final class AddressRanges {
    /** One entry: the first {@code bits} bits of {@code network}. */
    private record Range(byte[] network, int bits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[whole] & mask) == (network[whole] & mask);
        }
    }

    private final List<Range> ranges;

    private AddressRanges(List<Range> ranges) {
        this.ranges = ranges;
    }

    /**
     * @throws IllegalArgumentException naming the first entry that is neither an address nor a
     *                                  CIDR range
     */
    public static AddressRanges of(List<String> entries) {
        return new AddressRanges(entries.stream().map(AddressRanges::range).toList());
    }

    /** The ranges of a configuration key; a malformed entry fails startup naming the key. */
    public static AddressRanges setting(Config root, String key) {
        try {
            return of(Settings.list(root, key));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(key, e.getMessage());
        }
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Whether {@code address} (a literal, possibly bracketed or with a zone) is in one of the ranges. */
    public boolean contains(String address) {
        if (ranges.isEmpty() || address == null) {
            return false;
        }
        byte[] bytes = literal(address);
        if (bytes == null) {
            return false;
        }
        for (Range range : ranges) {
            if (range.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    private static Range range(String entry) {
        String text = entry.trim();
        int slash = text.indexOf('/');
        byte[] network = literal(slash < 0 ? text : text.substring(0, slash));
        if (network == null) {
            throw new IllegalArgumentException("'" + entry + "' is neither an IP address nor a CIDR range");
        }
        int max = network.length * 8;
        if (slash < 0) {
            return new Range(network, max);
        }
        try {
            int bits = Integer.parseInt(text.substring(slash + 1));
            if (bits < 0 || bits > max) {
                throw new IllegalArgumentException("'" + entry + "': the prefix length must be 0 to " + max);
            }
            return new Range(network, bits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + entry + "': the prefix length must be a number", e);
        }
    }

    /** The address bytes of an IP literal, or null when it is none (names are not resolved). */
    private static byte[] literal(String text) {
        String bare = text.trim();
        if (bare.startsWith("[") && bare.endsWith("]")) {
            bare = bare.substring(1, bare.length() - 1);
        }
        int zone = bare.indexOf('%');
        if (zone >= 0) {
            bare = bare.substring(0, zone);
        }
        if (bare.isEmpty() || !bare.toLowerCase(Locale.ROOT).matches("[0-9a-f.:]+")) {
            return null;
        }
        try {
            return InetAddress.ofLiteral(bare).getAddress();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
