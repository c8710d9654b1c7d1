package io.sessionpresence.web;

import java.util.List;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.staticcontent.ClasspathHandlerConfig;
import io.helidon.webserver.staticcontent.StaticContentFeature;
import io.sessionpresence.http.Cors;

/**
 * Serves the browser side from the classpath ({@code src/main/resources/web/}):
 * <ul>
 *   <li>{@code /static/*}: the ES modules pages and extensions use, cross-origin readable by the
 *       {@code cors.allowed-origins} (module scripts need CORS);</li>
 *   <li>{@code /admin/}: the live dashboard ({@code index.html}, {@code app.js}, {@code app.css}).
 *       It shares the prefix with the admin JSON API, so {@link #register} must be called after
 *       the API is registered: API routes match first, and only what they do not match is looked
 *       up as a file.</li>
 * </ul>
 * Every response under these prefixes carries {@link #CONTENT_SECURITY_POLICY}: scripts, styles
 * and connections only from this origin (WebSockets included), nothing inline, no framing.
 */
public final class WebContent implements Filter {
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";
    private static final List<String> PREFIXES = List.of("/static", "/admin");

    private WebContent() {
    }

    /** Registers the static content and its security headers; call after the admin API. */
    public static void register(HttpRouting.Builder routing, List<String> corsOrigins) {
        routing.addFilter(new WebContent())
                .register("/static", Cors.support(corsOrigins))
                .register("/static", files("web/static"))
                .register("/admin", files("web/admin"));
    }

    private static HttpService files(String location) {
        return StaticContentFeature.createService(ClasspathHandlerConfig.builder()
                .location(location)
                .welcome("index.html")
                .build());
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (PREFIXES.stream().anyMatch(prefix -> path.equals(prefix) || path.startsWith(prefix + "/"))) {
            res.header(HeaderNames.create("Content-Security-Policy"), CONTENT_SECURITY_POLICY);
            res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
            res.header(HeaderValues.X_CONTENT_TYPE_OPTIONS_NOSNIFF);
        }
        chain.proceed();
    }
}
