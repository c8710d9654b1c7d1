package io.sessionpresence.store;

/**
 * The backing store did not answer in time or refused the connection. Rendered as a 503 so that
 * clients retry; the Redis client reconnects by itself.
 */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
