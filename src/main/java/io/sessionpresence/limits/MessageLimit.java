package io.sessionpresence.limits;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

/**
 * The message budget of one socket connection. A message over the rate is refused; a client that
 * keeps sending while refused ({@code refusalsToDisconnect} refusals in a row) is to be closed.
 * Used by the connection's reading thread only.
 */
public final class MessageLimit {
    /** What became of one message. */
    public enum Outcome { ACCEPTED, REFUSED, DISCONNECT }

    private final Bucket bucket;
    private final int refusalsToDisconnect;
    private int refusalsInARow;
    private long retryAfterSeconds;

    MessageLimit(Rate rate, int refusalsToDisconnect) {
        this.bucket = rate == null ? null : rate.newBucket();
        this.refusalsToDisconnect = refusalsToDisconnect;
    }

    /** Counts one message from the client. */
    public Outcome take() {
        if (bucket == null) {
            return Outcome.ACCEPTED;
        }
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            refusalsInARow = 0;
            return Outcome.ACCEPTED;
        }
        retryAfterSeconds = Verdict.refusedFor(probe.getNanosToWaitForRefill()).retryAfterSeconds();
        return ++refusalsInARow >= refusalsToDisconnect ? Outcome.DISCONNECT : Outcome.REFUSED;
    }

    /** After a refusal: when the next message would be accepted, in whole seconds. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
