package io.sessionpresence.events;

import io.sessionpresence.json.Json;

/**
 * The wire format of an admin event between instances, on the Redis channel {@code <prefix>events}:
 * one JSON object per message, {@code {"event": "<name>", "data": {...}}}, UTF-8, where
 * {@code event} is {@link AdminEvents#PRESENCE_UPDATE} or {@link AdminEvents#SESSIONS_UPDATE} and
 * {@code data} the event's payload exactly as admin sockets receive it. Two writers put messages
 * on the channel: {@link RedisAdminEvents#publish}, and the presence and activity write script,
 * which publishes the message {@link #encode} gave it in the same round trip as the write. Every
 * instance decodes them here. Versions of the service that share a Redis must agree on it.
 */
public final class AdminEventWire {
    private AdminEventWire() {
    }

    public static String encode(AdminEvent event) {
        return Json.writeString(event);
    }

    /** @throws RuntimeException when the message is not an admin event */
    public static AdminEvent decode(String message) {
        return Json.read(message, AdminEvent.class);
    }
}
