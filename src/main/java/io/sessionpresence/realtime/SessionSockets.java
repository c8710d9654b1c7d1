package io.sessionpresence.realtime;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.sessionpresence.events.AdminEvent;
import io.sessionpresence.events.AdminEvents;

/**
 * This instance's open sockets by the session that authenticated them, so that the end of a
 * session reaches its sockets on every instance. It reads the session events that already reach
 * every instance ({@link Realtime#deliver}, from Redis pub/sub or this instance alone), so ending
 * a session costs no extra Redis round trip: {@code admin:sessions:update} of type
 * {@code session_terminated} (logout, revoke-one, admin terminate, the per-user limit's
 * eviction), {@code sessions_revoked} (logout-all, admin log-out-everywhere: {@code session_ids}),
 * {@code session_expired} (the store's eviction) end them; {@code session_refreshed} has them
 * re-read their session. A session's own deadline is watched by each socket as well
 * ({@link ConnectedClient}), since eviction comes late.
 *
 * <p>A socket whose session is checked while the end of that session is on its way could be
 * registered just after the end was handled here, and stay open: so ended ids are remembered for
 * {@link #REMEMBER_ENDED_MS}, and registering one of them fails.
 */
final class SessionSockets {
    static final String EXPIRED = "expired";
    static final long REMEMBER_ENDED_MS = 60_000;

    private record Ended(String sessionId, long at) {
    }

    private final Map<String, Set<ConnectedClient>> bySession = new ConcurrentHashMap<>();
    private final Map<String, Long> recentlyEnded = new ConcurrentHashMap<>();
    private final Queue<Ended> endedOrder = new ConcurrentLinkedQueue<>();

    /** Registers an open socket of a live session; false when that session has just ended. */
    boolean add(String sessionId, ConnectedClient client) {
        bySession.compute(sessionId, (id, clients) -> {
            Set<ConnectedClient> set = clients == null ? ConcurrentHashMap.newKeySet() : clients;
            set.add(client);
            return set;
        });
        // After the add: an end handled from here on finds the client in the index.
        if (recentlyEnded.containsKey(sessionId)) {
            remove(sessionId, client);
            return false;
        }
        return true;
    }

    void remove(String sessionId, ConnectedClient client) {
        bySession.computeIfPresent(sessionId, (id, set) -> {
            set.remove(client);
            return set.isEmpty() ? null : set;
        });
    }

    /** Acts on a session event that reached this instance; other events are ignored. */
    void onEvent(AdminEvent event) {
        if (!AdminEvents.SESSIONS_UPDATE.equals(event.event())) {
            return;
        }
        Map<String, Object> data = event.data();
        String type = String.valueOf(data.get("type"));
        switch (type) {
            case "session_terminated" -> end(List.of(String.valueOf(data.get("session_id"))), reason(data));
            case "sessions_revoked" -> {
                if (data.get("session_ids") instanceof List<?> ids) {
                    end(ids.stream().map(String::valueOf).toList(), reason(data));
                }
            }
            case "session_expired" -> end(List.of(String.valueOf(data.get("session_id"))), EXPIRED);
            case "session_refreshed" -> {
                Set<ConnectedClient> clients = bySession.get(String.valueOf(data.get("session_id")));
                if (clients != null) {
                    // A store read: off the thread that delivers events.
                    clients.forEach(c -> Thread.ofVirtual().name("session-refreshed").start(() -> c.recheck(false)));
                }
            }
            default -> {
                // other session events change nothing for open sockets
            }
        }
    }

    private static String reason(Map<String, Object> data) {
        Object reason = data.get("reason");
        return reason == null ? "revoked" : reason.toString();
    }

    private void end(List<String> sessionIds, String reason) {
        long now = System.currentTimeMillis();
        for (String id : sessionIds) {
            recentlyEnded.put(id, now);
            endedOrder.add(new Ended(id, now));
            Set<ConnectedClient> clients = bySession.remove(id);
            if (clients != null) {
                clients.forEach(c -> c.end(reason));
            }
        }
        forgetOldEnds(now);
    }

    private void forgetOldEnds(long now) {
        Ended oldest;
        while ((oldest = endedOrder.peek()) != null && now - oldest.at() > REMEMBER_ENDED_MS) {
            if (endedOrder.remove(oldest)) {
                recentlyEnded.remove(oldest.sessionId(), oldest.at());
            }
        }
    }
}
