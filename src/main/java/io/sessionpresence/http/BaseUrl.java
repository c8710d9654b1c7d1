package io.sessionpresence.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * Where an instance of this service answers, as other instances reach it: {@code http} or
 * {@code https}, a host and optionally a port, nothing else ({@code http://10.1.2.3:8080}). It is
 * all that decides where a request is sent, so anything more (a path, a query, credentials) is
 * refused rather than carried along.
 */
public record BaseUrl(URI uri) {

    /** {@code text} as a base URL, or empty if it is anything else. */
    public static Optional<BaseUrl> parse(String text) {
        URI uri;
        try {
            uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        boolean web = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
        boolean bare = uri.getRawPath() != null && uri.getRawPath().isEmpty() && uri.getRawQuery() == null
                && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
        return web && uri.getHost() != null && bare ? Optional.of(new BaseUrl(uri)) : Optional.empty();
    }

    /** This instance's {@code path}, with an already encoded {@code query}. */
    public URI resolve(String path, String query) {
        return URI.create(uri + path + "?" + query);
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
