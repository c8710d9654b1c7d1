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
    private final Resp redis;
    private final List<Mark> marks = new ArrayList<>();
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, long[]> activeSpans = new LinkedHashMap<>();

    public Metrics(String simulation) {
        this.simulation = simulation;
        String url = LoadConfig.redisUrl();
        this.redis = url.isEmpty() ? null : new Resp(url);
    }

    public boolean redisObserved() {
        return redis != null;
    }

    public RedisSnapshot snapshot() {
        return redis == null ? null : RedisSnapshot.take(redis);
    }

    /** Marks the start of {@code phase} (and the end of the one before). */
    public synchronized void mark(String phase) {
        marks.add(new Mark(phase, System.currentTimeMillis(), snapshot(), serviceCpuMillis(),
                ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime() / 1_000_000));
    }

    /** utime + stime of {@code -DservicePid}, all its threads; -1 when unknown. */
    private static long serviceCpuMillis() {
        long pid = LoadConfig.servicePid();
        if (pid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name, which is in parentheses and may hold spaces: state is
            // field 3 of the line, so utime (14) and stime (15) are the 12th and 13th here.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 1000 / CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
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
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("simulation", simulation);
        out.put("base_url", LoadConfig.baseUrl());
        out.put("phases", phases);
        out.put("values", values);
        try {
            Path dir = Path.of(LoadConfig.metricsDir());
            Files.createDirectories(dir);
            JSON.writeValue(dir.resolve(simulation + ".metrics.json").toFile(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (redis != null) {
            redis.close();
        }
    }
}
