package io.sessionpresence.http;

/**
 * 429: a rate limit refused the request. {@link ErrorHandlers} adds {@code Retry-After} with
 * {@link #retryAfterSeconds()}, which the JSON body repeats as {@code retry_after}.
 */
public final class TooManyRequests extends ApiException {
    private final long retryAfterSeconds;

    public TooManyRequests(String message, long retryAfterSeconds) {
        super(429, message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Whole seconds, at least 1: when the same request would be admitted again. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
