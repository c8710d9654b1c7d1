package io.sessionpresence.load.support;

import java.time.Duration;

/**
 * The knobs of every simulation, read from {@code -D} system properties so one suite can be
 * pointed at any server that speaks this API. Defaults are the values {@code run.sh} uses.
 */
public final class LoadConfig {
    private LoadConfig() {
    }

    public static String string(String name, String defaultValue) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    public static int integer(String name, int defaultValue) {
        return Integer.parseInt(string(name, Integer.toString(defaultValue)));
    }

    public static double decimal(String name, double defaultValue) {
        return Double.parseDouble(string(name, Double.toString(defaultValue)));
    }

    /** Seconds, as a whole number. */
    public static Duration seconds(String name, int defaultSeconds) {
        return Duration.ofSeconds(integer(name, defaultSeconds));
    }

    /** {@code -DbaseUrl}: the service under test, e.g. {@code http://127.0.0.1:8080}. */
    public static String baseUrl() {
        String url = string("baseUrl", "http://127.0.0.1:8080");
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    public static String wsBaseUrl() {
        return baseUrl().replaceFirst("^http", "ws");
    }

    /**
     * {@code -DbaseUrls=u1,u2,...}: several instances of the service, which Gatling's virtual users
     * take in turn (round-robin per virtual user). Unset: just {@link #baseUrl()}. Set-up
     * ({@link Setup}) always goes through {@link #baseUrl()}.
     */
    public static java.util.List<String> baseUrls() {
        String urls = string("baseUrls", "");
        if (urls.isEmpty()) {
            return java.util.List.of(baseUrl());
        }
        return java.util.Arrays.stream(urls.split(",")).map(String::trim).filter(u -> !u.isEmpty())
                .map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u).toList();
    }

    /** {@code -DadminToken}: the service's ADMIN_TOKEN, for /admin/* and the admin room. */
    public static String adminToken() {
        return string("adminToken", "load-admin-token");
    }

    /** {@code -DredisUrl}: when set, Redis INFO is diffed around each phase. Empty = not measured. */
    public static String redisUrl() {
        return string("redisUrl", "");
    }

    /**
     * {@code -DredisNodes=host:port,...}: every node of a Redis Cluster, each read with INFO around
     * each phase and the readings summed (and kept per node). Unset: {@code -DredisUrl} alone, if set.
     */
    public static java.util.List<String> redisUrls() {
        String nodes = string("redisNodes", "");
        if (!nodes.isEmpty()) {
            return java.util.Arrays.stream(nodes.split(",")).map(String::trim).filter(n -> !n.isEmpty())
                    .map(n -> n.contains("://") ? n : "redis://" + n).toList();
        }
        return redisUrl().isEmpty() ? java.util.List.of() : java.util.List.of(redisUrl());
    }

    /**
     * {@code -DservicePid}: the service's process id when it runs on this machine (run.sh sets it),
     * for its CPU time per phase; several instances as {@code pid1,pid2} (their CPU is summed). 0 =
     * not measured.
     */
    public static long[] servicePids() {
        return java.util.Arrays.stream(string("servicePid", "0").split(",")).map(String::trim)
                .filter(p -> !p.isEmpty()).mapToLong(Long::parseLong).filter(p -> p > 0).toArray();
    }

    /** {@code -Dconnections}: concurrent connections of the closed-loop (max throughput) phases. */
    public static int connections() {
        return integer("connections", 64);
    }

    /** {@code -Dwarmup}: seconds of warm-up before anything is measured. */
    public static Duration warmup() {
        return seconds("warmup", 5);
    }

    /** {@code -Dduration}: seconds of each measured phase. */
    public static Duration duration() {
        return seconds("duration", 15);
    }

    /** {@code -Dceiling}: requests/s of the cheapest route at the same concurrency (0 = unknown). */
    public static double ceiling() {
        return decimal("ceiling", 0);
    }

    /** {@code -DmetricsDir}: where each simulation writes its phase timings and Redis diffs. */
    public static String metricsDir() {
        return string("metricsDir", "target/load-metrics");
    }
}
