package io.sessionpresence.realtime.transport;

/** What a full {@link Outbox} does with one more message ({@code realtime.overflow}). */
public enum Overflow {
    /** Drop the oldest queued message; the client sees a gap (admins rebuild from the next snapshot). */
    DROP_OLDEST,
    /** Refuse the message; the caller closes the connection, and the client reconnects and resyncs. */
    DISCONNECT
}
