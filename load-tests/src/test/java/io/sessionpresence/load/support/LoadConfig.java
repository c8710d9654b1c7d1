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

    /** {@code -DadminToken}: the service's ADMIN_TOKEN, for /admin/* and the admin room. */
    public static String adminToken() {
        return string("adminToken", "load-admin-token");
    }

    /** {@code -DredisUrl}: when set, Redis INFO is diffed around each phase. Empty = not measured. */
    public static String redisUrl() {
        return string("redisUrl", "");
    }

    /**
     * {@code -DservicePid}: the service's process id when it runs on this machine (run.sh sets it),
     * for its CPU time per phase. 0 = not measured.
     */
    public static long servicePid() {
        return Long.parseLong(string("servicePid", "0"));
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
