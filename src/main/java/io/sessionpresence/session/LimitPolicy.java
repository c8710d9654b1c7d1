package io.sessionpresence.session;

import java.util.Locale;

/** What happens when a user at {@code session.max-per-user} creates one more session. */
public enum LimitPolicy {
    REJECT_NEW,
    EVICT_OLDEST;

    public static LimitPolicy parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
