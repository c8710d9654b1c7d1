package io.sessionpresence.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Headers every API answer carries: responses hold session tokens and personal data, so no
 * cache (browser or proxy) may keep them, and browsers must not sniff JSON into something else.
 */
public final class SecurityHeaders implements Filter {
    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (path.startsWith("/api/") || path.startsWith("/admin")) {
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        }
        chain.proceed();
    }
}
