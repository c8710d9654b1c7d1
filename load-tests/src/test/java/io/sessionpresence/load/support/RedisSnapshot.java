package io.sessionpresence.load.support;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One reading of Redis {@code INFO all}: calls per command ({@code commandstats}), read events
 * ({@code total_reads_processed}) and {@code used_memory}. Taken in a single INFO so each reading
 * costs Redis exactly one command and one read, which {@link #minus} leaves out.
 *
 * <p>Redis counts a script's own calls too: one EVALSHA that runs HGET twice and ZSCORE once adds
 * 1 to {@code evalsha} and 3 to the others. {@link #minus} keeps every command, so the report can
 * say both how many commands a client sent ({@code evalsha}, {@code eval}, {@code publish},
 * pipelined or not) and how much work Redis did.
 */
public record RedisSnapshot(long atMillis, Map<String, Long> calls, long reads, long usedMemory) {
    public static RedisSnapshot take(Resp redis) {
        Map<String, String> info = redis.info("all");
        Map<String, Long> calls = new TreeMap<>();
        info.forEach((key, value) -> {
            if (key.startsWith("cmdstat_")) {
                String count = value.substring("calls=".length(), value.indexOf(','));
                calls.put(key.substring("cmdstat_".length()), Long.parseLong(count));
            }
        });
        return new RedisSnapshot(System.currentTimeMillis(), calls,
                Long.parseLong(info.getOrDefault("total_reads_processed", "0")),
                Long.parseLong(info.getOrDefault("used_memory", "0")));
    }

    /** What happened between {@code earlier} and this reading, without the readings themselves. */
    public Map<String, Object> minus(RedisSnapshot earlier) {
        Map<String, Long> delta = new TreeMap<>();
        calls.forEach((command, count) -> {
            long d = count - earlier.calls.getOrDefault(command, 0L) - (command.equals("info") ? 1 : 0);
            if (d != 0) {
                delta.put(command, d);
            }
        });
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("commands", delta);
        result.put("reads", reads - earlier.reads - 1);
        result.put("used_memory_delta", usedMemory - earlier.usedMemory);
        result.put("used_memory", usedMemory);
        return result;
    }
}
