package io.sessionpresence.store;

import org.redisson.client.RedisException;

/**
 * Whether a failure means the store is unreachable (answered as 503 over HTTP and as a
 * "store unavailable" error on sockets) rather than a bug. Redisson throws its own exceptions,
 * sometimes wrapped by the completion stage that carried them.
 */
public final class StoreOutage {
    private StoreOutage() {
    }

    public static boolean is(Throwable e) {
        return e instanceof RedisException || e.getCause() instanceof RedisException;
    }
}
