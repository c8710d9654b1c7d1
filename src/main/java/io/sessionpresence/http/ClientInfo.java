package io.sessionpresence.http;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.regex.Pattern;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.webserver.http.ServerRequest;

/**
 * Who is on the other end of a request: client IP and user agent. {@code X-Forwarded-For} is
 * believed only when the direct peer is a configured trusted proxy (an address or a CIDR range); then the right-most address
 * that is not itself a trusted proxy is the client.
 */
public final class ClientInfo {
    private static final int MAX_UA = 512;
    /**
     * What a forwarded hop may be: an IPv4 or IPv6 literal (bracketed, with a zone) or an RFC 7239
     * obfuscated identifier. Never a '|', so a presence key {@code user|ip} splits at its last '|'
     * whatever the user holds, and never anything a log or an admin page could mistake.
     */
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9._:%\\[\\]-]{1,64}");
    private final AddressRanges trustedProxies;

    /** @param trustedProxies exact addresses or CIDR ranges, IPv4 or IPv6 */
    public ClientInfo(List<String> trustedProxies) {
        this(AddressRanges.of(trustedProxies));
    }

    public ClientInfo(AddressRanges trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    /** Whether {@code address} is a reverse proxy of {@code presence.trusted-proxies}, carrying other clients' requests. */
    public boolean isTrustedProxy(String address) {
        return trustedProxies.contains(address);
    }

    public String ip(ServerRequest req) {
        return ip(req.remotePeer().address(), req.headers());
    }

    /** The client address of a connection from {@code peer} whose request carried {@code headers}. */
    public String ip(SocketAddress peer, Headers headers) {
        return resolve(peerAddress(peer), headers.first(HeaderNames.X_FORWARDED_FOR).orElse(null));
    }

    /** The client address given the direct peer and its X-Forwarded-For header (may be null). */
    public String resolve(String peer, String forwardedFor) {
        if (forwardedFor == null || !trustedProxies.contains(peer)) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!hop.isEmpty() && !trustedProxies.contains(hop)) {
                return ADDRESS.matcher(hop).matches() ? hop : peer;
            }
        }
        return peer;
    }

    public static String userAgent(ServerRequest req) {
        return userAgent(req.headers());
    }

    /** The User-Agent of a request, capped; also for WebSocket upgrade requests. */
    public static String userAgent(Headers headers) {
        String ua = headers.first(HeaderNames.USER_AGENT).orElse("");
        return ua.length() > MAX_UA ? ua.substring(0, MAX_UA) : ua;
    }

    public static String peerAddress(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
        }
        return String.valueOf(address);
    }
}
