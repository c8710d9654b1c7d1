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
    /**
     * Keys kept at most: one per 64 KiB of heap, from 1,000 up to 100,000. A key of a long user id
     * costs ~700 bytes (its text, the bucket, the cache entry), and a flood of distinct users (one
     * login each, the per-user limit) would otherwise keep 100,000 of them, 70 MB: more than the
     * memory store leaves free in a 128 MiB heap, where back-to-back full collections then stalled
     * every request (MemoryFloodTest). Forgetting a key only hands it a full bucket again, and the
     * cache keeps the keys used most.
     */
    static final long MAX_KEYS = Math.clamp(Runtime.getRuntime().maxMemory() / 65_536, 1_000, 100_000);

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
