package io.sessionpresence.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import io.sessionpresence.session.SessionAuth;
import io.sessionpresence.session.Tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The request headers the service reads credentials and addresses from, with any values:
 * {@code X-Forwarded-For} behind trusted proxies ({@link ClientInfo}) gives the peer or one
 * untrusted, address-shaped hop of the header; {@code Authorization: Bearer} and
 * {@code X-Session-Token} ({@link SessionAuth}) give a trimmed credential taken from the header
 * or nothing. None of them throws.
 */
class HeaderFuzzTest {
    private static final List<String> TRUSTED = List.of("10.0.0.0/8", "192.168.1.1", "::1", "fd00::/8");
    private static final String[] PEERS = {"10.1.2.3", "192.168.1.1", "::1", "fd00::7", "203.0.113.5", "2001:db8::1"};
    private static final ClientInfo CLIENTS = new ClientInfo(TRUSTED);
    private static final AddressRanges PROXIES = AddressRanges.of(TRUSTED);

    @FuzzTest
    void headersGiveTheirValueOrNothing(FuzzedDataProvider data) {
        String peer = data.pickValue(PEERS);
        WritableHeaders<?> headers = WritableHeaders.create();
        String forwardedFor = data.consumeString(300);
        String authorization = data.consumeString(300);
        String sessionToken = data.consumeString(300);
        headers.add(HeaderNames.X_FORWARDED_FOR, forwardedFor);
        headers.add(HeaderNames.AUTHORIZATION, authorization);
        if (data.consumeBoolean()) {
            headers.add(SessionAuth.SESSION_TOKEN, sessionToken);
        }
        checkClientIp(peer, forwardedFor, CLIENTS.ip(new InetSocketAddress(InetAddress.ofLiteral(peer), 443), headers));
        Optional<String> bearer = SessionAuth.bearer(headers);
        checkBearer(authorization, bearer);
        checkToken(headers.contains(SessionAuth.SESSION_TOKEN) ? sessionToken : null, bearer, SessionAuth.token(headers));
        checkRanges(data);
    }

    private static void checkClientIp(String peer, String forwardedFor, String ip) {
        String peerText = InetAddress.ofLiteral(peer).getHostAddress();
        if (ip.equals(peerText)) {
            return;
        }
        assertTrue(PROXIES.contains(peer), "X-Forwarded-For believed from an untrusted peer: " + ip);
        assertTrue(Arrays.stream(forwardedFor.split(",")).map(String::trim).anyMatch(ip::equals),
                "not a hop of the header: " + ip);
        assertFalse(PROXIES.contains(ip), "a trusted proxy taken for the client: " + ip);
        assertTrue(ip.matches("[A-Za-z0-9._:%\\[\\]-]{1,64}"), "not address-shaped: " + ip);
    }

    /** Credentials are trimmed as String.trim() does: a value of control characters only is none. */
    private static void checkBearer(String authorization, Optional<String> bearer) {
        boolean isBearer = authorization.length() >= 7 && authorization.substring(0, 7).equalsIgnoreCase("Bearer ");
        assertEquals(isBearer && !authorization.substring(7).trim().isEmpty(), bearer.isPresent(), authorization);
        bearer.ifPresent(credential -> assertEquals(authorization.substring(7).trim(), credential));
    }

    private static void checkToken(String sessionToken, Optional<String> bearer, Optional<String> token) {
        if (sessionToken != null && !sessionToken.trim().isEmpty()) {
            assertEquals(Optional.of(sessionToken.trim()), token);
        } else {
            assertEquals(bearer.filter(b -> b.startsWith(Tokens.TOKEN_PREFIX)), token);
        }
    }

    /** Configured ranges: a malformed entry is refused by name; accepted ones answer any address. */
    private static void checkRanges(FuzzedDataProvider data) {
        AddressRanges ranges;
        try {
            ranges = AddressRanges.of(List.of(data.consumeString(60)));
        } catch (IllegalArgumentException refused) {
            assertTrue(refused.getMessage().startsWith("'"), refused.getMessage());
            return;
        }
        ranges.contains(data.consumeRemainingAsString());
    }
}
