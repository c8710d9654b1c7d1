package io.sessionpresence.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.sessionpresence.events.AdminEvent;
import io.sessionpresence.events.AdminEvents;

/**
 * Admin events kept in a list instead of delivered, for tests of the services that publish
 * them: what was published, in order, and whether to every instance or to this one only.
 */
public final class RecordingAdminEvents implements AdminEvents {
    /** One published event; {@code local} for {@link #publishLocal}, which each instance does for itself. */
    public record Published(AdminEvent event, boolean local) {
        public Map<String, Object> data() {
            return event.data();
        }

        public Object get(String field) {
            return event.data().get(field);
        }
    }

    private final List<Published> published = new CopyOnWriteArrayList<>();

    @Override
    public void publish(AdminEvent event) {
        published.add(new Published(event, false));
    }

    @Override
    public void publishLocal(AdminEvent event) {
        published.add(new Published(event, true));
    }

    /** Everything published since the last {@link #clear()}, oldest first. */
    public List<Published> all() {
        return List.copyOf(published);
    }

    /** The published events of one {@code type} (the payload's first field), oldest first. */
    public List<Published> ofType(String type) {
        return published.stream().filter(p -> type.equals(p.get("type"))).toList();
    }

    public void clear() {
        published.clear();
    }
}
