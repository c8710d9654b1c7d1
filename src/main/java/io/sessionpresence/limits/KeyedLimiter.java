package io.sessionpresence.limits;

/** One {@link Rate} per key (an address, a user): in this process ({@link LocalLimiter}) or in Redis ({@link RedisLimiter}). */
public interface KeyedLimiter {
    /** Takes one request from {@code key}'s allowance. */
    Verdict take(String key);

    /** Whether {@code key} has a request left, without taking it. */
    Verdict peek(String key);
}
