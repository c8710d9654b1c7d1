package io.sessionpresence.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Which browser origins may open a socket ({@code /ws}, {@code /socket.io/} over either
 * transport): once {@code cors.allowed-origins} is set, only those and the service's own origin.
 * A WebSocket is not covered by CORS: without this, any page a logged-in user visits could open
 * one with the user's cookies or reuse a token it finds, and read what the socket receives
 * (cross-site WebSocket hijacking). Requests without an {@code Origin} header pass: browsers
 * always send one on these requests, and other clients can write any value anyway. The service's
 * own origin is the one whose host and port are the request's {@code Host}.
 *
 * <p>As a {@link Filter} it answers refused requests on the socket paths with a 403 JSON error:
 * the polling requests, and the WebSocket upgrades that the listeners refused with
 * {@link #allows} (Helidon then serves the request as plain HTTP, which reaches this filter).
 */
public final class Origins implements Filter {
    private static final String REFUSED = "Origin not allowed for sockets (cors.allowed-origins)";

    private final List<String> allowed;
    private final List<String> socketPaths;

    /**
     * @param allowedOrigins {@code cors.allowed-origins}; empty = no check
     * @param socketPaths    path prefixes this filter guards
     */
    public Origins(List<String> allowedOrigins, List<String> socketPaths) {
        this.allowed = allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
        this.socketPaths = List.copyOf(socketPaths);
    }

    /** Whether a request with these headers may open a socket. */
    public boolean allows(Headers headers) {
        if (allowed.isEmpty() || allowed.contains("*")) {
            return true;
        }
        Optional<String> origin = headers.first(HeaderNames.ORIGIN);
        if (origin.isEmpty()) {
            return true;
        }
        String candidate = origin.get().trim().toLowerCase(Locale.ROOT);
        return allowed.contains(candidate) || sameOrigin(candidate, headers.first(HeaderNames.HOST));
    }

    private static boolean sameOrigin(String origin, Optional<String> host) {
        if (host.isEmpty()) {
            return false;
        }
        try {
            URI uri = new URI(origin);
            if (uri.getHost() == null || uri.getRawPath() != null && !uri.getRawPath().isEmpty()) {
                return false;
            }
            int defaultPort = switch (uri.getScheme()) {
                case "http", "ws" -> 80;
                case "https", "wss" -> 443;
                default -> -1;
            };
            if (defaultPort < 0) {
                return false;
            }
            URI requestHost = new URI("http://" + host.get().trim().toLowerCase(Locale.ROOT));
            int originPort = uri.getPort() < 0 ? defaultPort : uri.getPort();
            int hostPort = requestHost.getPort() < 0 ? defaultPort : requestHost.getPort();
            return uri.getHost().equals(requestHost.getHost()) && originPort == hostPort;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (socketPaths.stream().anyMatch(path::startsWith) && !allows(req.headers())) {
            HttpJson.send(res, Status.FORBIDDEN_403.code(), HttpJson.error(Status.FORBIDDEN_403.code(), REFUSED));
            return;
        }
        chain.proceed();
    }
}
