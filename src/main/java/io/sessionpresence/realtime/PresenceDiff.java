package io.sessionpresence.realtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.sessionpresence.json.Json;


/**
 * Coalesces presence events ({@code realtime.coalesce-ms} &gt; 0): per {@code user|ip} only the
 * latest event of the period counts, and each period's are sent as one
 * {@code admin:presence:diff {"joins":[...],"leaves":[...],"updates":[...]}} (logins are joins,
 * logouts and expiries leaves, activity updates). Applying joins and updates as upserts and leaves
 * as removals gives the same state as applying every event.
 */
final class PresenceDiff {
    static final String EVENT = "admin:presence:diff";

    private final Consumer<Emission> out;
    private Map<String, Map<String, Object>> latest = new LinkedHashMap<>();

    PresenceDiff(Consumer<Emission> out) {
        this.out = out;
    }

    synchronized void add(Map<String, Object> event) {
        String key = event.get("user") + "|" + event.get("ip");
        latest.remove(key);
        latest.put(key, event);
    }

    /** Sends what the period collected, if anything. */
    void flush() {
        Map<String, Map<String, Object>> period;
        synchronized (this) {
            if (latest.isEmpty()) {
                return;
            }
            period = latest;
            latest = new LinkedHashMap<>();
        }
        List<Object> joins = new ArrayList<>();
        List<Object> leaves = new ArrayList<>();
        List<Object> updates = new ArrayList<>();
        for (Map<String, Object> event : period.values()) {
            switch (String.valueOf(event.get("type"))) {
                case "user_login" -> joins.add(event);
                case "user_logout", "user_expired" -> leaves.add(event);
                default -> updates.add(event);
            }
        }
        out.accept(new Emission(EVENT, Json.fields("joins", joins, "leaves", leaves, "updates", updates)));
    }
}
