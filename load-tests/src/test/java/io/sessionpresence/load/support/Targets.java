package io.sessionpresence.load.support;

/**
 * The figures the README promises, per store, in one place. Every simulation asserts the ones
 * that concern it (Gatling assertions), and the summary marks each held or not held.
 *
 * <p>Throughput targets are fractions of the ceiling: the requests/s of the service's cheapest
 * route at the same concurrency, measured in the same run ({@code -Dceiling}).
 */
public record Targets(
        double validateShareOfCeiling,
        int validateP99Ms,
        double heartbeatShareOfCeiling,
        int heartbeatP99Ms,
        int adminPageP99Ms,
        int deliveryP99Ms,
        int lifecycleP99Ms,
        int cacheP99Ms,
        double createShareOfCeiling) {

    public static Targets forStore(String store) {
        return switch (store) {
            case "memory" -> new Targets(0.80, 5, 0.35, 10, 20, 50, 25, 10, 0.30);
            default -> new Targets(0.40, 10, 0.35, 10, 20, 50, 25, 10, 0.20);
        };
    }
}
