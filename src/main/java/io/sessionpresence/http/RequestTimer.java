package io.sessionpresence.http;

import java.util.concurrent.TimeUnit;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.sessionpresence.metrics.ServiceMetrics;

/**
 * Times every HTTP request, error answers included, by the route pattern it matched (never its
 * raw path, which holds ids) and its method. A request no route matched (a 404) is timed as
 * route {@value #UNMATCHED}.
 */
public record RequestTimer(ServiceMetrics metrics) implements Filter {
    static final String UNMATCHED = "unmatched";

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        try {
            chain.proceed();
        } finally {
            metrics.request(req.matchingPattern().orElse(UNMATCHED), req.prologue().method().text())
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }
}
