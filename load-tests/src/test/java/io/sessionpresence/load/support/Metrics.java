package io.sessionpresence.load.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * What a simulation measures besides Gatling's own request statistics: when each phase started
 * and ended, the Redis INFO difference across it, the CPU time the service and this load
 * generator spent in it, and named values (bytes per session, delivery latencies). Written as
 * {@code <metricsDir>/<Simulation>.metrics.json} at the end of the run, where
 * {@code tools/Summary} joins it with Gatling's {@code stats.json}.
 */
public final class Metrics {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private record Mark(String phase, long atMillis, RedisSnapshot redis, long serviceCpuMillis,
                        long generatorCpuMillis) {
    }

    /** Linux's USER_HZ: the unit of utime and stime in {@code /proc/<pid>/stat}. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private final String simulation;
    /** The Redis server, or every node of a Cluster ({@code -DredisNodes}); empty = not observed. */
    private final List<Resp> redis = new ArrayList<>();
    private final List<String> redisNames = new ArrayList<>();
    private final List<Mark> marks = new ArrayList<>();
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, long[]> activeSpans = new LinkedHashMap<>();

    public Metrics(String simulation) {
        this.simulation = simulation;
        for (String url : LoadConfig.redisUrls()) {
            redis.add(new Resp(url));
            redisNames.add(url.replaceFirst("^rediss?://([^@]*@)?", "").replaceFirst("/.*$", ""));
        }
    }

    public boolean redisObserved() {
        return !redis.isEmpty();
    }

    /** One INFO reading of Redis: of a Cluster, of every node (summed, and per node). */
    public RedisSnapshot snapshot() {
        return redis.isEmpty() ? null : RedisSnapshot.take(redis, redisNames);
    }

    /** Marks the start of {@code phase} (and the end of the one before). */
    public synchronized void mark(String phase) {
        marks.add(new Mark(phase, System.currentTimeMillis(), snapshot(), serviceCpuMillis(),
                ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime() / 1_000_000));
    }

    /**
     * utime + stime of {@code -DservicePid} and every process below it, all their threads (of several
     * instances, summed); -1 when unknown. The descendants count because a peer may run as a
     * parent with worker processes (the express peer's node:cluster of 2): the parent alone spends
     * almost nothing.
     */
    private static long serviceCpuMillis() {
        long[] pids = LoadConfig.servicePids();
        if (pids.length == 0) {
            return -1;
        }
        long ticks = 0;
        for (long pid : pids) {
            long own = cpuTicks(pid);
            if (own < 0) {
                return -1;
            }
            // a child that ended between the listing and the read counts as nothing
            ticks += own + ProcessHandle.of(pid).stream().flatMap(ProcessHandle::descendants)
                    .mapToLong(child -> Math.max(0, cpuTicks(child.pid()))).sum();
        }
        return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
    }

    /** utime + stime of one process, all its threads, in clock ticks; -1 when it cannot be read. */
    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name, which is in parentheses and may hold spaces: state is
            // field 3 of the line, so utime (14) and stime (15) are the 12th and 13th here.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Of a Cluster, after the run: each node's role, keys, {@code used_memory}
     * ({@code _dataset}: without Redis's own overhead) and the entries of its hashes (every map's
     * entries: the sessions' records, presence, activity, cached users), to show how evenly the
     * masters hold the data. Read after the last mark, so no phase counts these commands.
     */
    private Map<String, Object> nodeBalance() {
        Map<String, Object> nodes = new LinkedHashMap<>();
        for (int i = 0; i < redis.size(); i++) {
            Resp node = redis.get(i);
            Map<String, String> info = node.info("all");
            long hashEntries = entries(node, "hash", "HLEN");
            long zsetEntries = entries(node, "zset", "ZCARD");
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("role", info.getOrDefault("role", "?"));
            n.put("keys", (Long) node.command("DBSIZE"));
            n.put("hash_entries", hashEntries);
            n.put("zset_entries", zsetEntries);
            n.put("used_memory", Long.parseLong(info.getOrDefault("used_memory", "0")));
            n.put("used_memory_dataset", Long.parseLong(info.getOrDefault("used_memory_dataset", "0")));
            nodes.put(redisNames.get(i), n);
        }
        return nodes;
    }

    /** The sum of {@code sizeCommand} (HLEN, ZCARD) over every key of {@code type} on {@code node}. */
    private static long entries(Resp node, String type, String sizeCommand) {
        long entries = 0;
        String cursor = "0";
        do {
            List<?> page = (List<?>) node.command("SCAN", cursor, "COUNT", "1000", "TYPE", type);
            cursor = (String) page.get(0);
            for (Object key : (List<?>) page.get(1)) {
                entries += (Long) node.command(sizeCommand, (String) key);
            }
        } while (!cursor.equals("0"));
        return entries;
    }

    /** Widens {@code phase}'s active span (first to last moment a user was working) to now. */
    public synchronized void active(String phase) {
        long now = System.currentTimeMillis();
        long[] span = activeSpans.computeIfAbsent(phase, p -> new long[] {now, now});
        span[0] = Math.min(span[0], now);
        span[1] = Math.max(span[1], now);
    }

    public synchronized void put(String name, Object value) {
        values.put(name, value);
    }

    /** Ends the last phase and writes the file. */
    public synchronized void write() {
        mark("end");
        List<Map<String, Object>> phases = new ArrayList<>();
        for (int i = 0; i + 1 < marks.size(); i++) {
            Mark start = marks.get(i);
            Mark end = marks.get(i + 1);
            Map<String, Object> phase = new LinkedHashMap<>();
            phase.put("name", start.phase());
            phase.put("start_ms", start.atMillis());
            phase.put("end_ms", end.atMillis());
            long[] span = activeSpans.get(start.phase());
            if (span != null) {
                phase.put("active_ms", span[1] - span[0]);
            }
            if (start.redis() != null) {
                phase.put("redis", end.redis().minus(start.redis()));
            }
            if (start.serviceCpuMillis() >= 0 && end.serviceCpuMillis() >= 0) {
                phase.put("service_cpu_ms", end.serviceCpuMillis() - start.serviceCpuMillis());
            }
            phase.put("generator_cpu_ms", end.generatorCpuMillis() - start.generatorCpuMillis());
            phases.add(phase);
        }
        if (redis.size() > 1) {
            try {
                values.put("redis_nodes_at_end", nodeBalance());
            } catch (RuntimeException e) {
                values.put("redis_nodes_at_end_error", e.toString());
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("simulation", simulation);
        out.put("base_url", LoadConfig.baseUrl());
        if (LoadConfig.baseUrls().size() > 1) {
            out.put("base_urls", LoadConfig.baseUrls());
        }
        out.put("phases", phases);
        out.put("values", values);
        try {
            Path dir = Path.of(LoadConfig.metricsDir());
            Files.createDirectories(dir);
            JSON.writeValue(dir.resolve(simulation + ".metrics.json").toFile(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        redis.forEach(Resp::close);
    }
}
