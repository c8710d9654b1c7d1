package io.sessionpresence.http;

import java.util.List;

import io.helidon.cors.CrossOriginConfig;
import io.helidon.webserver.cors.CorsSupport;

/**
 * Cross-origin access to {@code /api/*} for the configured origins only (web apps and
 * {@code chrome-extension://<id>} origins), using Helidon's CORS support, which also answers
 * preflight requests. With no origins configured, no cross-origin access is granted.
 */
public final class Cors {
    private Cors() {
    }

    public static CorsSupport support(List<String> allowedOrigins) {
        if (allowedOrigins.isEmpty()) {
            return CorsSupport.builder().enabled(false).build();
        }
        return CorsSupport.builder()
                .addCrossOrigin(CrossOriginConfig.builder()
                        .allowOrigins(allowedOrigins.toArray(String[]::new))
                        .allowMethods("GET", "POST", "DELETE", "OPTIONS")
                        .allowHeaders("Authorization", "Content-Type", "X-Session-Token")
                        .allowCredentials(false)
                        .maxAgeSeconds(600)
                        .build())
                .build();
    }
}
