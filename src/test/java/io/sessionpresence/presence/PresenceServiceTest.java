package io.sessionpresence.presence;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.sessionpresence.backend.MemoryBackend;
import io.sessionpresence.events.AdminEvents;
import io.sessionpresence.http.ApiException;
import io.sessionpresence.session.Session;
import io.sessionpresence.store.ExpiringEntries;
import io.sessionpresence.store.Page;
import io.sessionpresence.testing.MemoryStores;
import io.sessionpresence.testing.RecordingAdminEvents.Published;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Presence and session activity without HTTP: {@link PresenceService} over the memory stores, on
 * a clock the test advances, with the admin stores.events() it publishes recorded.
 */
class PresenceServiceTest {
    private static final long TTL = 60;
    private static final long ACTIVITY_TTL = 600;

    private final MemoryStores stores = MemoryStores.onManualClock();
    private final ExpiringEntries activity = stores.backend().activityEntries(stores.events());
    private final PresenceService presence = service(true);

    private PresenceService service(boolean allowAnonymous) {
        MemoryBackend backend = stores.backend();
        return new PresenceService(backend.presenceEntries(stores.events()), activity,
                new PresenceSettings(TTL, ACTIVITY_TTL, allowAnonymous, List.of()), stores.events(), backend.clock());
    }

    private static Visitor anonymous(String user) {
        return new Visitor(user, null, false, "10.0.0.7", "agent");
    }

    private Session session(String user) {
        long now = stores.clock().millis();
        return new Session("sid-of-" + user, user, now, now + 3_600_000, now, false, "agent", "10.0.0.7");
    }

    private List<String> presentUsers() {
        return presence.presencePage(0, 100, Optional.empty()).items().stream().map(Presence::user).toList();
    }

    private static void assertRefused(int status, String message, Runnable call) {
        ApiException refused = assertThrows(ApiException.class, call::run);
        assertEquals(status, refused.status());
        assertEquals(message, refused.getMessage());
    }

    @Test
    void aSessionNamesTheVisitorWhateverTheClientClaims() {
        Session session = session("real-user");
        Visitor visitor = presence.visitor(Optional.of(session), Optional.of("someone-else"), "10.0.0.9", "ua");
        assertEquals(new Visitor("real-user", "sid-of-real-user", true, "10.0.0.9", "ua"), visitor);
        assertEquals(visitor, service(false).visitor(Optional.of(session), Optional.empty(), "10.0.0.9", "ua"),
                "a session needs no claim, even with anonymous presence off");
    }

    @Test
    void withoutASessionTheClaimIsTakenExactlyWhileAnonymousPresenceIsOn() {
        assertEquals(new Visitor(" spaced ", null, false, "ip", "ua"),
                presence.visitor(Optional.empty(), Optional.of(" spaced "), "ip", "ua"), "never trimmed");
        assertRefused(401, "A session is required (X-Session-Token); anonymous presence is off",
                () -> service(false).visitor(Optional.empty(), Optional.of("claimed"), "ip", "ua"));
    }

    @Test
    void aMissingBlankOrControlCharacterUserIsRefused() {
        for (PresenceService service : List.of(presence, service(false))) {
            assertRefused(400, "User required", () -> service.visitor(Optional.empty(), Optional.empty(), "ip", "ua"));
            assertRefused(400, "User required", () -> service.visitor(Optional.empty(), Optional.of(""), "ip", "ua"));
            assertRefused(400, "User must not be only whitespace",
                    () -> service.visitor(Optional.empty(), Optional.of(" \t "), "ip", "ua"));
            assertRefused(400, "User must be 1-256 characters without control characters",
                    () -> service.visitor(Optional.empty(), Optional.of("a\u0000b"), "ip", "ua"));
        }
    }

    @Test
    void heartbeatAndLoginRecordPresenceAndAnnounceIt() {
        long now = stores.clock().millis();
        Presence beat = presence.heartbeat(anonymous("beating"), "/page");
        assertEquals(new Presence("beating", "10.0.0.7", "agent", "/page", now, false), beat);
        stores.clock().advance(Duration.ofSeconds(1));
        Presence login = presence.login(new Visitor("logging-in", "sid", true, "10.0.0.8", "agent"));
        assertEquals(new Presence("logging-in", "10.0.0.8", "agent", "/", now + 1000, true), login);

        assertEquals(List.of("logging-in", "beating"), presentUsers(), "newest first");
        assertEquals(2, presence.presentCount());
        List<Published> published = stores.events().all();
        assertEquals(List.of("user_activity", "user_login"), published.stream().map(p -> p.get("type")).toList());
        for (Published event : published) {
            assertEquals(AdminEvents.PRESENCE_UPDATE, event.event().event());
            assertFalse(event.local());
        }
        assertEquals(Map.of("type", "user_activity", "user", "beating", "ip", "10.0.0.7", "ua", "agent",
                "page", "/page", "lastSeen", now, "verified", false), published.getFirst().data());
        assertRefused(400, "Field 'page' is longer than " + HeartbeatBody.MAX_PAGE + " characters",
                () -> presence.heartbeat(anonymous("beating"), "/" + "p".repeat(HeartbeatBody.MAX_PAGE)));
    }

    @Test
    void logoutEndsPresenceAtOnceAndAnnouncesIt() {
        presence.heartbeat(anonymous("leaving"), "/a");
        presence.heartbeat(anonymous("staying"), "/a");
        stores.events().clear();
        presence.logout(anonymous("leaving"));
        assertEquals(List.of("staying"), presentUsers());
        assertEquals(List.of(Map.of("type", "user_logout", "user", "leaving", "ip", "10.0.0.7")),
                stores.events().all().stream().map(Published::data).toList());
    }

    @Test
    void presenceExpiresOnItsOwnTtlWhileOthersStayActiveAndTheExpiryIsAnnounced() {
        presence.heartbeat(anonymous("stale"), "/a");
        for (int i = 0; i < 8; i++) {
            presence.heartbeat(anonymous("busy"), "/b");
            stores.clock().advance(Duration.ofSeconds(TTL / 4));
        }
        assertEquals(List.of("busy"), presentUsers(), "one active user keeps no one else's entry alive");
        assertEquals(1, presence.presentCount());
        List<Published> expired = stores.events().ofType("user_expired");
        assertEquals(1, expired.size(), stores.events().all().toString());
        assertTrue(expired.getFirst().local(), "every instance sees the expiry itself");
        assertEquals("stale", expired.getFirst().get("user"));
        assertEquals("/a", expired.getFirst().get("page"));
    }

    @Test
    void pageFilterListsOnlyThatPageNewestFirst() {
        for (int i = 0; i < 6; i++) {
            presence.heartbeat(anonymous("user-" + i), "/p" + (i % 2));
            stores.clock().advance(Duration.ofMillis(10));
        }
        Page<Presence> onP1 = presence.presencePage(0, 2, Optional.of("/p1"));
        assertEquals(List.of("user-5", "user-3"), onP1.items().stream().map(Presence::user).toList());
        assertEquals(3, onP1.count());
        assertEquals(2, onP1.nextCursor());
        assertEquals(List.of("user-1"),
                presence.presencePage(2, 2, Optional.of("/p1")).items().stream().map(Presence::user).toList());
    }

    @Test
    void activityIsRecordedUnderItsSidAnnouncedAndExpiresOnItsOwnTtl() {
        long now = stores.clock().millis();
        SessionActivity recorded = presence.recordActivity(anonymous("active"), "sid-1");
        assertEquals(new SessionActivity("sid-1", "active", "10.0.0.7", "agent", now, false), recorded);
        assertEquals(Map.of("sid-1", recorded.stored()), activity.getAll(List.of("sid-1", "sid-unknown")));
        assertEquals(List.of(recorded), Page.read(activity.newestFirst(0, 10), SessionActivity::fromStored).items());
        Published announced = stores.events().all().getFirst();
        assertEquals(AdminEvents.SESSIONS_UPDATE, announced.event().event());
        assertEquals(Map.of("type", "session_activity", "sid", "sid-1", "session_id", "sid-1", "user", "active",
                "ip", "10.0.0.7", "ua", "agent", "last_activity", now, "verified", false), announced.data());

        presence.recordActivity(anonymous("ended"), "sid-2");
        assertEquals(Optional.of("ended"), presence.endActivity("sid-2").map(SessionActivity::user));
        assertEquals(Optional.empty(), presence.endActivity("sid-2"));

        stores.clock().advance(Duration.ofSeconds(ACTIVITY_TTL - 1));
        assertEquals(1, presence.activityCount());
        stores.clock().advance(Duration.ofSeconds(2));
        assertEquals(0, presence.activityCount());
        assertEquals(Map.of(), activity.getAll(List.of("sid-1")));
    }
}
