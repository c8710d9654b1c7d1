package io.sessionpresence.load.support;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One reading of Redis {@code INFO all}: calls per command ({@code commandstats}), read events
 * ({@code total_reads_processed}), bytes in and out ({@code total_net_input_bytes},
 * {@code total_net_output_bytes}), {@code used_memory} and the keys of db0. Taken in a single INFO
 * so each reading costs Redis exactly one command, one read and known bytes, which {@link #minus}
 * leaves out.
 *
 * <p>Redis counts a script's own calls too: one EVALSHA that runs HGET twice and ZSCORE once adds
 * 1 to {@code evalsha} and 3 to the others. {@link #minus} keeps every command, so the report can
 * say both how many commands a client sent ({@code evalsha}, {@code eval}, {@code publish},
 * pipelined or not) and how much work Redis did.
 *
 * <p>Of a Redis Cluster ({@code -DredisNodes}), every node is read and the reading is their sum,
 * with each node's own reading in {@link #nodes} (by {@code host:port}), so {@link #minus} also
 * gives each node's share (the balance across masters).
 *
 * @param infoBytes the INFO reply's size: the next reading's {@code total_net_output_bytes}
 *                  counts it, and {@link #minus} takes it off
 */
public record RedisSnapshot(long atMillis, Map<String, Long> calls, long reads, long usedMemory, long usedMemoryDataset,
                            long netInput, long netOutput, long keys, String role, long infoBytes, long cpuMicros,
                            Map<String, RedisSnapshot> nodes) {
    /** What the next reading's {@code total_net_input_bytes} counts of its own INFO request. */
    private static final long INFO_REQUEST_BYTES = "*2\r\n$4\r\nINFO\r\n$3\r\nall\r\n".length();

    public static RedisSnapshot take(Resp redis) {
        String raw = redis.infoRaw("all");
        Map<String, String> info = Resp.parseInfo(raw);
        Map<String, Long> calls = new TreeMap<>();
        info.forEach((key, value) -> {
            if (key.startsWith("cmdstat_")) {
                String count = value.substring("calls=".length(), value.indexOf(','));
                calls.put(key.substring("cmdstat_".length()), Long.parseLong(count));
            }
        });
        // db0:keys=12,expires=3,avg_ttl=0 (a Cluster has db0 only)
        long keys = 0;
        String db0 = info.get("db0");
        if (db0 != null && db0.startsWith("keys=")) {
            keys = Long.parseLong(db0.substring("keys=".length(), db0.indexOf(',')));
        }
        // The RESP bulk string: "$<length>\r\n<payload>\r\n" (INFO is ASCII)
        long replyBytes = raw.length() + Integer.toString(raw.length()).length() + 5;
        return new RedisSnapshot(System.currentTimeMillis(), calls,
                number(info, "total_reads_processed"), number(info, "used_memory"),
                number(info, "used_memory_dataset"), number(info, "total_net_input_bytes"),
                number(info, "total_net_output_bytes"), keys, info.getOrDefault("role", "?"), replyBytes,
                // used_cpu_sys + used_cpu_user: the server's CPU seconds (main thread and I/O), as text
                Math.round((Double.parseDouble(info.getOrDefault("used_cpu_sys", "0"))
                        + Double.parseDouble(info.getOrDefault("used_cpu_user", "0"))) * 1_000_000), Map.of());
    }

    /** Every node of a Cluster, read one after the other; their sum, with each one's own reading. */
    public static RedisSnapshot take(List<Resp> nodes, List<String> names) {
        if (nodes.size() == 1) {
            return take(nodes.getFirst());
        }
        Map<String, RedisSnapshot> byNode = new LinkedHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            byNode.put(names.get(i), take(nodes.get(i)));
        }
        Map<String, Long> calls = new TreeMap<>();
        long reads = 0, memory = 0, dataset = 0, in = 0, out = 0, keys = 0, infoBytes = 0, cpu = 0;
        for (RedisSnapshot node : byNode.values()) {
            node.calls.forEach((command, count) -> calls.merge(command, count, Long::sum));
            reads += node.reads;
            memory += node.usedMemory;
            dataset += node.usedMemoryDataset;
            in += node.netInput;
            out += node.netOutput;
            keys += node.keys;
            infoBytes += node.infoBytes;
            cpu += node.cpuMicros;
        }
        return new RedisSnapshot(System.currentTimeMillis(), calls, reads, memory, dataset, in, out, keys, "sum",
                infoBytes, cpu, byNode);
    }

    private static long number(Map<String, String> info, String key) {
        return Long.parseLong(info.getOrDefault(key, "0"));
    }

    /**
     * What happened between {@code earlier} and this reading, without the readings themselves.
     * Of a Cluster: the sum, and under {@code nodes} each node's own difference.
     */
    public Map<String, Object> minus(RedisSnapshot earlier) {
        if (nodes.isEmpty()) {
            return single(earlier);
        }
        Map<String, Long> delta = new TreeMap<>();
        long reads = 0, memoryDelta = 0, in = 0, out = 0, cpu = 0;
        Map<String, Object> perNode = new LinkedHashMap<>();
        for (Map.Entry<String, RedisSnapshot> node : nodes.entrySet()) {
            RedisSnapshot before = earlier.nodes.get(node.getKey());
            Map<String, Object> d = node.getValue().single(before);
            @SuppressWarnings("unchecked")
            Map<String, Long> commands = (Map<String, Long>) d.get("commands");
            commands.forEach((command, count) -> delta.merge(command, count, Long::sum));
            reads += (Long) d.get("reads");
            memoryDelta += (Long) d.get("used_memory_delta");
            in += (Long) d.get("net_input_bytes");
            out += (Long) d.get("net_output_bytes");
            cpu += (Long) d.get("cpu_micros");
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("role", node.getValue().role);
            summary.put("commands_total", commands.values().stream().mapToLong(Long::longValue).sum());
            d.forEach((key, value) -> {
                if (!key.equals("commands")) {
                    summary.put(key, value);
                }
            });
            perNode.put(node.getKey(), summary);
        }
        delta.values().removeIf(count -> count == 0);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("commands", delta);
        result.put("reads", reads);
        result.put("net_input_bytes", in);
        result.put("net_output_bytes", out);
        result.put("cpu_micros", cpu);
        result.put("used_memory_delta", memoryDelta);
        result.put("used_memory", usedMemory);
        result.put("keys", keys);
        result.put("nodes", perNode);
        return result;
    }

    private Map<String, Object> single(RedisSnapshot earlier) {
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
        result.put("net_input_bytes", netInput - earlier.netInput - INFO_REQUEST_BYTES);
        result.put("net_output_bytes", netOutput - earlier.netOutput - earlier.infoBytes);
        result.put("cpu_micros", cpuMicros - earlier.cpuMicros);
        result.put("used_memory_delta", usedMemory - earlier.usedMemory);
        result.put("used_memory", usedMemory);
        result.put("used_memory_dataset", usedMemoryDataset);
        result.put("keys", keys);
        return result;
    }
}
