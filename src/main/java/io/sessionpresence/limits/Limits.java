package io.sessionpresence.limits;

import java.time.Duration;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.helidon.config.Config;
import io.sessionpresence.http.TooManyRequests;

/**
 * Every rate limit of the service. The tight ones, which must hold however many instances a
 * client spreads its requests over (logins per user, wrong admin tokens, invalid session and
 * identity tokens), are {@link SharedLimiters shared}: counted in Redis when the store is Redis.
 * The volume limits (per address, per socket) protect the instance that serves them, so each
 * instance counts what reaches it: behind a load balancer spreading one client over n
 * instances, that client gets up to n times those. A refusal is a {@link TooManyRequests} (429 with {@code Retry-After} on HTTP; sockets
 * turn it into their own refusal). The volume limits per address skip the {@code limits.exempt}
 * addresses (same-machine benchmarks, sidecars); the credential-failure limits never do: an
 * exemption is for traffic, not for guessing tokens. With {@code limits.enabled: false} nothing
 * is limited.
 *
 * <p>Credential failures are counted only once a credential has failed, so a valid session token
 * never meets a limit (validate stays as cheap as it was). A wrong admin token locks its address
 * out: while locked, even the right token is refused, so guessing learns nothing faster.
 */
public final class Limits {
    private static final String ADMIN_LOCKED = "Too many wrong admin tokens from this address";
    private static final String LOGINS = "Too many sessions created for this user";
    private static final Duration ADMIN_CLEAR_FOR = Duration.ofSeconds(1);

    private final LimitSettings settings;
    private final KeyedLimiter createPerUser;
    private final KeyedLimiter createPerIp;
    private final KeyedLimiter anonymousPerIp;
    private final KeyedLimiter adminFailures;
    private final KeyedLimiter sessionFailures;
    private final KeyedLimiter socketConnections;
    /** Addresses whose admin lock-out check passed lately. */
    private final Cache<String, Boolean> adminClear = Caffeine.newBuilder()
            .expireAfterWrite(ADMIN_CLEAR_FOR).maximumSize(10_000).build();

    /** @param shared makes the limits that must hold across instances: logins per user, credential failures */
    public Limits(LimitSettings settings, SharedLimiters shared) {
        this.settings = settings;
        this.createPerUser = shared.create("session-create-per-user", settings.createPerUser());
        this.createPerIp = new LocalLimiter(settings.createPerIp());
        this.anonymousPerIp = new LocalLimiter(settings.anonymousPerIp());
        this.adminFailures = shared.create("admin-failures-per-ip", settings.adminFailuresPerIp());
        this.sessionFailures = shared.create("session-failures-per-ip", settings.sessionFailuresPerIp());
        this.socketConnections = new LocalLimiter(settings.socketConnectionsPerIp());
    }

    public static Limits from(Config root, SharedLimiters shared) {
        return new Limits(LimitSettings.from(root), shared);
    }

    /** Before verifying an identity token for a new session: the address's creations. */
    public void sessionCreateFrom(String ip) {
        perAddress(createPerIp, ip, "Too many sessions created from this address");
    }

    /**
     * A new session for {@code user}, whose identity is verified. Counted here, or, when the count
     * is in Redis, returned for the session store to take in its create script (one round trip
     * for a login): the caller passes it on and calls {@link #loginRefused} if the store refuses.
     */
    public Optional<ScriptedLimit> sessionCreateFor(String user) {
        if (!settings.enabled()) {
            return Optional.empty();
        }
        Optional<ScriptedLimit> scripted = createPerUser.scripted(user);
        if (scripted.isEmpty()) {
            refuseUnless(createPerUser.take(user), LOGINS);
        }
        return scripted;
    }

    /** The refusal of a login that {@link #sessionCreateFor}'s scripted limit refused, for {@code waitNanos}. */
    public static TooManyRequests loginRefused(long waitNanos) {
        Verdict verdict = Verdict.refusedFor(waitNanos);
        return new TooManyRequests(LOGINS + "; retry in " + verdict.retryAfterSeconds() + " s", verdict.retryAfterSeconds());
    }

    /** A heartbeat or session update that carries no session token. */
    public void anonymous(String ip) {
        perAddress(anonymousPerIp, ip, "Too many requests without a session from this address");
    }

    /**
     * Before checking an admin token: refused while the address is locked out by wrong tokens. An
     * address found clear is not asked about again for {@link #ADMIN_CLEAR_FOR} (an admin page is
     * then one Redis round trip, not two): a lock-out made by wrong tokens on another instance
     * reaches this one within that time, and one made here at once.
     */
    public void adminAttempt(String ip) {
        if (settings.enabled() && adminClear.getIfPresent(ip) == null) {
            refuseUnless(adminFailures.peek(ip), ADMIN_LOCKED);
            adminClear.put(ip, Boolean.TRUE);
        }
    }

    /** A wrong admin token; refused (instead of the 401) once the address has no failures left. */
    public void adminFailed(String ip) {
        adminClear.invalidate(ip);
        everyAddress(adminFailures, ip, ADMIN_LOCKED);
    }

    /**
     * An invalid or expired session token, or an identity token that failed verification; refused
     * (instead of the 401) past the address's failures.
     */
    public void sessionFailed(String ip) {
        everyAddress(sessionFailures, ip, "Too many invalid session tokens from this address");
    }

    /** A socket connection being opened. */
    public void socketConnection(String ip) {
        perAddress(socketConnections, ip, "Too many socket connections from this address");
    }

    /** The message budget of a new socket connection. */
    public MessageLimit socketMessages() {
        return new MessageLimit(settings.enabled() ? settings.socketMessages() : null,
                settings.socketRefusalsToDisconnect());
    }

    /** Whether {@code ip} is in {@code limits.exempt}, which no per-address bound applies to. */
    public boolean isExempt(String ip) {
        return settings.exempt().contains(ip);
    }

    private void perAddress(KeyedLimiter limiter, String ip, String message) {
        // Enabled first: the exemption parses the address literal, ~5% of a create's CPU.
        if (settings.enabled() && !isExempt(ip)) {
            everyAddress(limiter, ip, message);
        }
    }

    private void everyAddress(KeyedLimiter limiter, String ip, String message) {
        if (settings.enabled()) {
            refuseUnless(limiter.take(ip), message);
        }
    }

    private static void refuseUnless(Verdict verdict, String message) {
        if (!verdict.allowed()) {
            throw new TooManyRequests(message + "; retry in " + verdict.retryAfterSeconds() + " s",
                    verdict.retryAfterSeconds());
        }
    }
}
