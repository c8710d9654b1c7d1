package io.sessionpresence.limits;

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

    private final LimitSettings settings;
    private final KeyedLimiter createPerUser;
    private final KeyedLimiter createPerIp;
    private final KeyedLimiter anonymousPerIp;
    private final KeyedLimiter adminFailures;
    private final KeyedLimiter sessionFailures;
    private final KeyedLimiter socketConnections;

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

    /** A new session for {@code user}, whose identity is verified. */
    public void sessionCreateFor(String user) {
        if (settings.enabled()) {
            refuseUnless(createPerUser.take(user), "Too many sessions created for this user");
        }
    }

    /** A heartbeat or session update that carries no session token. */
    public void anonymous(String ip) {
        perAddress(anonymousPerIp, ip, "Too many requests without a session from this address");
    }

    /** Before checking an admin token: refused while the address is locked out by wrong tokens. */
    public void adminAttempt(String ip) {
        if (settings.enabled()) {
            refuseUnless(adminFailures.peek(ip), ADMIN_LOCKED);
        }
    }

    /** A wrong admin token; refused (instead of the 401) once the address has no failures left. */
    public void adminFailed(String ip) {
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

    private void perAddress(KeyedLimiter limiter, String ip, String message) {
        if (!settings.exempt().contains(ip)) {
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
