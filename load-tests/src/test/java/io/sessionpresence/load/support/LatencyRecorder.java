package io.sessionpresence.load.support;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latencies Gatling cannot time itself (an event pushed to one connection, caused by a request
 * on another), in 1 ms buckets up to 60 s; thread-safe and allocation-free per sample.
 */
public final class LatencyRecorder {
    private static final int BUCKETS = 60_001;
    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong max = new AtomicLong();

    public void record(long millis) {
        long clamped = Math.max(0, Math.min(millis, BUCKETS - 1));
        counts.incrementAndGet((int) clamped);
        total.incrementAndGet();
        max.accumulateAndGet(millis, Math::max);
    }

    public long count() {
        return total.get();
    }

    /** The smallest latency at or under which {@code p} percent of samples fall (-1 when empty). */
    public long percentile(double p) {
        long n = total.get();
        if (n == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(p / 100 * n);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return i;
            }
        }
        return BUCKETS - 1;
    }

    public Map<String, Object> summary() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", count());
        out.put("p50", percentile(50));
        out.put("p95", percentile(95));
        out.put("p99", percentile(99));
        out.put("max", count() == 0 ? -1 : max.get());
        return out;
    }
}
