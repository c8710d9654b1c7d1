package io.sessionpresence.limits;

/**
 * What a limit answered: admitted, or refused until {@code retryAfterSeconds} (whole seconds,
 * at least 1, rounded up so that a client waiting that long is admitted).
 */
public record Verdict(boolean allowed, long retryAfterSeconds) {
    static final Verdict ALLOWED = new Verdict(true, 0);

    static Verdict refusedFor(long nanos) {
        return new Verdict(false, Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L));
    }
}
