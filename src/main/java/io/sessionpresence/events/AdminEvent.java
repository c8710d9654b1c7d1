package io.sessionpresence.events;

import java.util.Map;

/**
 * One event for the admin room: its name ({@code admin:presence:update},
 * {@code admin:sessions:update}) and payload. Payloads never hold tokens or token hashes.
 */
public record AdminEvent(String event, Map<String, Object> data) {
}
