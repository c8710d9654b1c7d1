package io.sessionpresence.http;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import io.helidon.common.Weighted;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpFeature;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.sessionpresence.logging.RequestId;

/**
 * Gives every HTTP request an id: the caller's {@value #HEADER_NAME} when it is sane (1 to 64
 * letters, digits, {@code . _ : -}), else a new random one. The response echoes it in the same
 * header, and every line logged while the request is served carries it ({@link RequestId}).
 * A feature weighing more than Helidon's access log (1000), so that its filter runs outside the
 * access log's and the access line is written with the id still bound.
 */
public final class RequestIds implements HttpFeature, Weighted {
    static final String HEADER_NAME = "X-Request-Id";
    static final HeaderName HEADER = HeaderNames.create(HEADER_NAME);
    /** Bounded, and nothing that could break a log line or a JSON string. */
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final double WEIGHT = 1100;

    @Override
    public void setup(HttpRouting.Builder routing) {
        routing.addFilter(RequestIds::filter);
    }

    @Override
    public double weight() {
        return WEIGHT;
    }

    private static void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String id = req.headers().first(HEADER).filter(value -> SANE.matcher(value).matches())
                .orElseGet(RequestIds::newId);
        res.header(HEADER, id);
        RequestId.runWith(id, chain::proceed);
    }

    /** 64 random bits: an id to find a request's lines by, not a secret. */
    private static String newId() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }
}
