package io.sessionpresence.session;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import io.sessionpresence.events.AdminEvents;
import io.sessionpresence.http.ApiException;
import io.sessionpresence.metrics.ServiceMetrics;
import io.sessionpresence.testing.ManualClock;
import io.sessionpresence.testing.MemoryStores;
import io.sessionpresence.testing.RecordingAdminEvents;
import io.sessionpresence.testing.RecordingAdminEvents.Published;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The session rules without HTTP: {@link SessionService} over the memory store, on a clock the
 * test advances, with the admin events it publishes recorded.
 */
class SessionServiceTest {
    private static final long HOUR = 3600;
    private static final long DAY = 86400;

    private final MemoryStores stores = MemoryStores.onManualClock();
    private final ManualClock clock = stores.clock();
    private final RecordingAdminEvents events = stores.events();

    private static SessionSettings lifetimes(long timeout, long rememberMe, long idle, long maxLifetime) {
        return new SessionSettings(timeout, rememberMe, idle, maxLifetime, 0, LimitPolicy.REJECT_NEW);
    }

    private static SessionSettings limit(int maxPerUser, LimitPolicy policy) {
        return new SessionSettings(HOUR, DAY, 0, 0, maxPerUser, policy);
    }

    private SessionService service(SessionSettings settings) {
        return service(stores.backend().sessionStore(settings.idleTimeoutMillis(), events), settings);
    }

    private SessionService service(SessionStore store, SessionSettings settings) {
        return new SessionService(store, settings, events, stores.backend().clock(), ServiceMetrics.global());
    }

    private static SessionService.Created create(SessionService sessions, String user) {
        return sessions.create(user, false, "ua", "10.0.0.1");
    }

    /** Two sessions of {@code user} and one of {@code other}, on an hour's lifetime, with nothing announced yet. */
    private record TwoUsers(SessionService sessions, SessionService.Created first, SessionService.Created second,
                            SessionService.Created other) {
    }

    private TwoUsers twoSessionsOf(String user, String other) {
        SessionService sessions = service(lifetimes(HOUR, DAY, 0, 0));
        TwoUsers created = new TwoUsers(sessions, create(sessions, user), create(sessions, user),
                create(sessions, other));
        events.clear();
        return created;
    }

    private static String id(SessionService.Created created) {
        return created.session().sessionId();
    }

    private static boolean live(SessionService sessions, SessionService.Created created) {
        return sessions.validate(created.token()).isPresent();
    }

    private static void assertStatus(int status, Runnable call) {
        assertEquals(status, assertThrows(ApiException.class, call::run).status());
    }

    @Test
    void aSessionLivesItsTimeoutOrTheRememberMeTimeout() {
        SessionService sessions = service(lifetimes(HOUR, DAY, 0, 0));
        long now = clock.millis();
        SessionService.Created normal = sessions.create("alice", false, "agent", "10.0.0.1");
        SessionService.Created remembered = sessions.create("alice", true, "agent", "10.0.0.1");

        Session session = normal.session();
        assertEquals(List.of(now, now + HOUR * 1000, now, false, "agent", "10.0.0.1"), List.of(session.createdAt(),
                session.expiresAt(), session.lastActivity(), session.rememberMe(), session.userAgent(), session.ip()));
        assertEquals(now + DAY * 1000, remembered.session().expiresAt());
        assertTrue(remembered.session().rememberMe());
        assertTrue(normal.token().startsWith(Tokens.TOKEN_PREFIX));
        assertEquals(Optional.of(session), sessions.validate(normal.token()));

        clock.advance(Duration.ofSeconds(HOUR).minusMillis(1));
        assertTrue(live(sessions, normal), "live until its last millisecond");
        assertFalse(sessions.hasExpired(session));
        clock.advance(Duration.ofMillis(1));
        assertFalse(live(sessions, normal), "ended at created + session.timeout");
        assertTrue(sessions.hasExpired(session));
        assertTrue(live(sessions, remembered), "remember-me lives session.remember-me-timeout");
        assertEquals(1, sessions.counts("alice").forUser());
        clock.advance(Duration.ofSeconds(DAY));
        assertFalse(live(sessions, remembered));
        assertEquals(0, sessions.counts("alice").forUser());
    }

    @Test
    void maxLifetimeCapsTheFirstLifetimeToo() {
        SessionService sessions = service(lifetimes(HOUR, DAY, 0, 600));
        long now = clock.millis();
        assertEquals(now + 600_000, sessions.create("capped", true, "ua", "ip").session().expiresAt());
    }

    @Test
    void createAnnouncesTheSessionWithoutItsToken() {
        SessionService.Created created = create(service(lifetimes(HOUR, DAY, 0, 0)), "announced");
        List<Published> published = events.all();
        assertEquals(1, published.size());
        Published event = published.getFirst();
        assertEquals(AdminEvents.SESSIONS_UPDATE, event.event().event());
        assertFalse(event.local(), "to the admins of every instance");
        assertEquals(SessionViews.event("session_created", created.session()), event.data());
        assertFalse(event.data().toString().contains(created.token()));
        assertFalse(event.data().toString().contains(Tokens.hashOfSecret(created.token())));
    }

    @Test
    void refreshReArmsTheFullLifetimeAndMaxLifetimeCapsIt() {
        SessionService sessions = service(lifetimes(40, DAY, 0, 70));
        SessionService.Created created = create(sessions, "refresher");
        long start = clock.millis();

        clock.advance(Duration.ofSeconds(20));
        Session refreshed = sessions.refresh(created.token(), sessions.validate(created.token()).orElseThrow());
        assertEquals(start + 60_000, refreshed.expiresAt(), "now + session.timeout");
        assertEquals(start + 20_000, refreshed.lastActivity());
        assertEquals(start, refreshed.createdAt());
        assertEquals(Optional.of(refreshed), sessions.validate(created.token()));

        clock.advance(Duration.ofSeconds(30));
        assertTrue(live(sessions, created), "refresh kept it past its first 40 s");
        Session capped = sessions.refresh(created.token(), sessions.validate(created.token()).orElseThrow());
        assertEquals(start + 70_000, capped.expiresAt(), "created + session.max-lifetime, not now + 40 s");

        clock.advance(Duration.ofSeconds(20));
        assertFalse(live(sessions, created), "max-lifetime ended it despite refreshes");
        assertStatus(401, () -> sessions.refresh(created.token(), capped));
    }

    @Test
    void refreshNeverShortensASession() {
        SessionStore store = stores.backend().sessionStore(0, events);
        SessionService.Created created = create(service(store, lifetimes(HOUR, DAY, 0, 0)), "long-lived");
        // The same store under a shorter timeout, as after a restart with new settings.
        SessionService shorter = service(store, lifetimes(60, DAY, 0, 0));
        clock.advance(Duration.ofSeconds(10));
        Session refreshed = shorter.refresh(created.token(), shorter.validate(created.token()).orElseThrow());
        assertEquals(created.session().expiresAt(), refreshed.expiresAt(), "now + 60 s would end it sooner");
        assertEquals(clock.millis(), refreshed.lastActivity());
    }

    @Test
    void idleTimeoutEndsOnlyTheUnusedSession() {
        SessionService sessions = service(lifetimes(HOUR, DAY, 30, 0));
        SessionService.Created used = create(sessions, "idler");
        SessionService.Created unused = create(sessions, "idler");
        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofSeconds(20));
            assertTrue(live(sessions, used), "validated every 20 s against a 30 s idle timeout");
        }
        assertFalse(live(sessions, unused), "unused for 80 s");
    }

    @Test
    void rejectNewRefusesTheSessionOverTheLimitUntilOneEnds() {
        SessionService sessions = service(limit(2, LimitPolicy.REJECT_NEW));
        SessionService.Created first = create(sessions, "limited");
        create(sessions, "limited");
        events.clear();
        ApiException refused = assertThrows(ApiException.class, () -> create(sessions, "limited"));
        assertEquals(409, refused.status());
        assertTrue(refused.getMessage().contains("at most 2"), refused.getMessage());
        assertEquals(List.of(), events.all(), "nothing to announce for a refused session");
        assertEquals(2, sessions.counts("limited").forUser());
        assertTrue(live(sessions, first));
        create(sessions, "someone-else");

        sessions.revoke(first.session().sessionId(), "logout");
        assertEquals("limited", create(sessions, "limited").session().userId(), "room again after a logout");
    }

    @Test
    void evictOldestEndsTheSoonestToExpireAndAnnouncesIt() {
        SessionService sessions = service(limit(2, LimitPolicy.EVICT_OLDEST));
        SessionService.Created oldest = create(sessions, "evicting");
        clock.advance(Duration.ofSeconds(1));
        SessionService.Created middle = create(sessions, "evicting");
        clock.advance(Duration.ofSeconds(1));
        events.clear();
        SessionService.Created newest = create(sessions, "evicting");

        assertFalse(live(sessions, oldest));
        assertTrue(live(sessions, middle) && live(sessions, newest));
        assertEquals(List.of(middle.session(), newest.session()), sessions.listForUser("evicting", 0, 100).items());
        List<Published> published = events.all();
        assertEquals(List.of("session_terminated", "session_created"),
                published.stream().map(p -> p.get("type")).toList());
        Map<String, Object> evicted = published.getFirst().data();
        assertEquals(oldest.session().sessionId(), evicted.get("session_id"));
        assertEquals(oldest.session().sessionId(), evicted.get("sid"));
        assertEquals("evicting", evicted.get("user"));
        assertEquals("limit", evicted.get("reason"));
    }

    @Test
    void revokeEndsOneSessionAndAnnouncesItOnce() {
        TwoUsers given = twoSessionsOf("revoked", "bystander");
        SessionService sessions = given.sessions();

        assertEquals(Optional.of(given.first().session()), sessions.revoke(id(given.first()), "admin"));
        assertFalse(live(sessions, given.first()));
        assertTrue(live(sessions, given.second()) && live(sessions, given.other()));
        assertEquals(Optional.empty(), sessions.revoke(id(given.first()), "admin"));
        List<Published> published = events.all();
        assertEquals(1, published.size(), "one event for the one session ended");
        assertEquals(Map.of("type", "session_terminated", "session_id", id(given.first()), "sid", id(given.first()),
                "user", "revoked", "reason", "admin"), published.getFirst().data());
        assertFalse(published.getFirst().local());
    }

    @Test
    void revokeAllEndsEveryLiveSessionOfThatUserOnly() {
        TwoUsers given = twoSessionsOf("everywhere", "bystander");
        SessionService sessions = given.sessions();

        assertEquals(2, sessions.revokeAll("everywhere", "logout_all"));
        assertFalse(live(sessions, given.first()) || live(sessions, given.second()));
        assertTrue(live(sessions, given.other()));
        List<Published> published = events.all();
        assertEquals(1, published.size());
        Map<String, Object> data = published.getFirst().data();
        assertEquals("sessions_revoked", data.get("type"));
        assertEquals("everywhere", data.get("user"));
        assertEquals(2, data.get("count"));
        assertEquals("logout_all", data.get("reason"));
        assertEquals(Stream.of(id(given.first()), id(given.second())).sorted().toList(),
                ((List<?>) data.get("session_ids")).stream().map(String.class::cast).sorted().toList());

        assertEquals(0, sessions.revokeAll("everywhere", "logout_all"));
        assertEquals(1, events.all().size(), "nothing revoked, nothing announced");
    }

    @Test
    void revokeOwnEndsOnlyTheOwnersSessions() {
        TwoUsers given = twoSessionsOf("owner", "stranger");
        SessionService sessions = given.sessions();
        Session owner = given.first().session();

        assertFalse(sessions.revokeOwn(owner, id(given.other()), "user"),
                "someone else's session answers like an unknown one");
        assertTrue(live(sessions, given.other()));
        assertFalse(sessions.revokeOwn(owner, "no-such-session", "user"));
        assertEquals(List.of(), events.all());

        assertTrue(sessions.revokeOwn(owner, id(given.second()), "user"));
        assertFalse(live(sessions, given.second()));
        assertTrue(live(sessions, given.first()));
        assertEquals(List.of(id(given.second())),
                events.ofType("session_terminated").stream().map(p -> p.get("session_id")).toList());
    }

    @Test
    void malformedTokensAreNeverValid() {
        SessionService sessions = service(lifetimes(HOUR, DAY, 0, 0));
        String token = create(sessions, "tokens").token();
        List<String> malformed = Arrays.asList(null, "", "sps_", "sps",
                token.substring(Tokens.TOKEN_PREFIX.length()), "SPS_" + token.substring(4), token + "x",
                token.substring(0, token.length() - 1), Tokens.hashOfSecret(token), "sps_" + "a".repeat(200),
                token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A"),
                token.replace(sessions.validate(token).orElseThrow().sessionId(), Tokens.newSessionId("tokens")));
        for (String bad : malformed) {
            assertEquals(Optional.empty(), sessions.validate(bad), String.valueOf(bad));
        }
        assertTrue(sessions.validate(token).isPresent());
    }

    @Test
    void expiryIsAnnouncedToThisInstanceAsSoonAsTimePasses() {
        SessionService sessions = service(lifetimes(60, DAY, 0, 0));
        SessionService.Created expiring = create(sessions, "expiring");
        SessionService.Created remembered = sessions.create("expiring", true, "ua", "ip");
        events.clear();

        clock.advance(Duration.ofSeconds(59));
        assertEquals(List.of(), events.all());
        // Past the deadline by a little over Caffeine's one-second timer-wheel step.
        clock.advance(Duration.ofMillis(2100));
        List<Published> expired = events.ofType("session_expired");
        assertEquals(1, expired.size(), events.all().toString());
        assertFalse(expired.getFirst().local(), "the one instance that takes an expiry tells every instance");
        assertEquals(SessionViews.event("session_expired", expiring.session()), expired.getFirst().data());
        assertEquals(1, sessions.countSessions());
        assertEquals(Optional.empty(), sessions.find(expiring.session().sessionId()));
        assertEquals(Optional.of(remembered.session()), sessions.find(remembered.session().sessionId()));
    }
}
