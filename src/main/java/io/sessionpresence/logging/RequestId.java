package io.sessionpresence.logging;

import java.util.Optional;

/**
 * The id of the HTTP request the current thread is serving, for the log formatters. Bound by the
 * HTTP filter around the whole request on the request's own (virtual) thread, and read when a
 * record is formatted: the console handler formats on the thread that logs, so every line logged
 * while handling a request carries its id. Work the request hands to other threads (Redisson's
 * I/O, the log limiter's summaries) logs without one.
 */
public final class RequestId {
    private static final ScopedValue<String> CURRENT = ScopedValue.newInstance();

    private RequestId() {
    }

    /** Runs {@code work} with {@code id} as the current request id. */
    public static void runWith(String id, Runnable work) {
        ScopedValue.where(CURRENT, id).run(work);
    }

    /** The id of the request being served on this thread, if any. */
    public static Optional<String> current() {
        return CURRENT.isBound() ? Optional.of(CURRENT.get()) : Optional.empty();
    }
}
