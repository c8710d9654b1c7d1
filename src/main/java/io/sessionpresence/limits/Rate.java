package io.sessionpresence.limits;

import java.time.Duration;

import io.github.bucket4j.Bucket;
import io.helidon.config.Config;
import io.sessionpresence.config.Settings;

/**
 * One limit: at most {@code requests} per {@code perSeconds}, as a token bucket that holds
 * {@code requests} and refills them evenly over {@code perSeconds} (so a burst of {@code requests}
 * passes, then the steady rate). Read from {@code <key>.requests} and {@code <key>.per-seconds}.
 */
public record Rate(long requests, long perSeconds) {
    static Rate from(Config root, String key) {
        return new Rate(Settings.longValue(root, key + ".requests", 1), Settings.longValue(root, key + ".per-seconds", 1));
    }

    Bucket newBucket() {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(requests).refillGreedy(requests, Duration.ofSeconds(perSeconds)))
                .build();
    }

    /** How long an untouched bucket takes to be full again: after that, forgetting it changes nothing. */
    Duration refillTime() {
        return Duration.ofSeconds(perSeconds);
    }
}
