package io.sessionpresence.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;

/**
 * One {@link Rate} per key (an address, a user), counted in this process: a bucket per key, kept
 * while the key is active.
 * A bucket untouched for its refill time is full again, so it is then dropped without changing
 * any answer; the bound on keys only matters under a flood of distinct keys, where the least
 * recently used are forgotten (they start again with a full bucket).
 */
final class LocalLimiter implements KeyedLimiter {
    private static final long MAX_KEYS = 100_000;

    private final Rate rate;
    private final Cache<String, Bucket> buckets;

    LocalLimiter(Rate rate) {
        this.rate = rate;
        this.buckets = Caffeine.newBuilder().expireAfterAccess(rate.refillTime()).maximumSize(MAX_KEYS).build();
    }

    @Override
    public Verdict take(String key) {
        ConsumptionProbe probe = bucket(key).tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? Verdict.ALLOWED : Verdict.refusedFor(probe.getNanosToWaitForRefill());
    }

    @Override
    public Verdict peek(String key) {
        Bucket bucket = buckets.getIfPresent(key);
        if (bucket == null) {
            return Verdict.ALLOWED;
        }
        EstimationProbe probe = bucket.estimateAbilityToConsume(1);
        return probe.canBeConsumed() ? Verdict.ALLOWED : Verdict.refusedFor(probe.getNanosToWaitForRefill());
    }

    private Bucket bucket(String key) {
        return buckets.get(key, k -> rate.newBucket());
    }
}
