package io.sessionpresence.limits;

import java.util.Optional;

/** One {@link Rate} per key (an address, a user): in this process ({@link LocalLimiter}) or in Redis ({@link RedisLimiter}). */
public interface KeyedLimiter {
    /** Takes one request from {@code key}'s allowance. */
    Verdict take(String key);

    /** Whether {@code key} has a request left, without taking it. */
    Verdict peek(String key);

    /** The allowance of {@code key} for a Redis script to take itself, when this limiter counts in Redis. */
    default Optional<ScriptedLimit> scripted(String key) {
        return Optional.empty();
    }
}
