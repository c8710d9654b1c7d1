package io.sessionpresence.realtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.sessionpresence.json.Json;

/**
 * One server-to-client event, serialised once however many sockets receive it: its name and data
 * are written as JSON at construction, and each protocol's frame of it is built on first use and
 * then shared by every socket of that protocol. The framings themselves live with their
 * protocols ({@code ws}, {@code socketio}).
 */
public final class Emission {
    private final String eventJson;
    private final String dataJson;
    private final Map<Function<Emission, String>, String> frames = new ConcurrentHashMap<>(2);

    public Emission(String event, Object data) {
        this.eventJson = Json.writeString(event);
        this.dataJson = Json.writeString(data);
    }

    /** The event name as a JSON string. */
    public String eventJson() {
        return eventJson;
    }

    /** The data as JSON text. */
    public String dataJson() {
        return dataJson;
    }

    /** {@code framing} applied to this emission, once: pass the same function instance every time. */
    public String framed(Function<Emission, String> framing) {
        return frames.computeIfAbsent(framing, f -> f.apply(this));
    }
}
