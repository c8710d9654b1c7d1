package io.sessionpresence.realtime.engineio;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.sessionpresence.http.BaseUrl;
import io.sessionpresence.store.ConnectionOwners;

/**
 * Long-polling across instances, so that a load balancer without affinity may send each poll of
 * a session anywhere. This instance records, in the store every instance shares, each polling
 * session it opens under its own address ({@code realtime.advertise-url}); an instance that gets
 * a poll or post for a session it does not hold looks the owner up and forwards the request
 * there, relaying the answer.
 *
 * <p>Two rules keep it from being turned against us. A forwarded request carries {@link
 * #FORWARDED} and is answered where it lands, never forwarded again, so no record can make
 * instances call each other in a loop. And the only addresses ever called are ones read from
 * our own records, checked to be a bare {@link BaseUrl}: the path is the Engine.IO path and the
 * query is rebuilt from the session id (checked to be one of ours in form), so nothing a client
 * sends chooses where the request goes.
 */
final class PollForwarding implements AutoCloseable {
    /** Marks a request forwarded by another instance. A client may set it too; it then only loses forwarding. */
    static final HeaderName FORWARDED = HeaderNames.create("X-Engine-IO-Forwarded");
    /** The form of {@link EngineIo#randomId}: anything else is no session of ours, and costs no lookup. */
    private static final Pattern SID = Pattern.compile("[A-Za-z0-9_-]{20}");
    /** An instance on the same network connects in milliseconds; one that does not is gone, and its sessions too. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Logger LOG = Logger.getLogger(PollForwarding.class.getName());

    private final BaseUrl self;
    private final ConnectionOwners owners;
    private final String path;
    private final long ttlMs;
    private final HttpClient http;

    /**
     * @param self   where the other instances reach this one
     * @param path   the Engine.IO path, the same on every instance
     */
    PollForwarding(BaseUrl self, ConnectionOwners owners, String path, EioSettings settings) {
        this.self = self;
        this.owners = owners;
        this.path = path;
        // A polling session pings every interval and waits at most timeout for the pong, so
        // consecutive pings, which refresh the record, are at most interval + timeout apart;
        // another timeout's worth covers a late timer or a slow write. A forwarded poll waits at
        // most interval + timeout on its owner, so the same figure bounds the whole request.
        this.ttlMs = settings.pingIntervalMs() + 2 * settings.pingTimeoutMs();
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Records a new polling session as this instance's, before its handshake is answered. */
    void opened(String sid) {
        owners.claim(sid, self.toString(), ttlMs);
    }

    /** The session still polls here (called at each of its pings, on the timer thread). */
    void stillHeld(String sid) {
        owners.refresh(sid, self.toString(), ttlMs);
    }

    void closed(String sid) {
        owners.release(sid);
    }

    /**
     * The answer of the instance that holds {@code sid}, for a GET or POST this instance cannot
     * answer; empty when there is none to ask (no record, a record of ours, a forwarded request)
     * or it did not answer, which the caller reports as an unknown session.
     */
    Optional<PollAnswer> forward(String sid, ServerRequest req) {
        Method method = req.prologue().method();
        boolean pollOrPost = method.equals(Method.GET) || method.equals(Method.POST);
        if (!pollOrPost || req.headers().contains(FORWARDED) || !SID.matcher(sid).matches()) {
            return Optional.empty();
        }
        Optional<BaseUrl> owner = owners.ownerOf(sid).flatMap(BaseUrl::parse).filter(url -> !url.equals(self));
        if (owner.isEmpty()) {
            return Optional.empty();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(owner.get().resolve(path, "EIO=4&transport=polling&sid=" + sid))
                .timeout(Duration.ofMillis(ttlMs))
                .header(FORWARDED.defaultCase(), "1");
        if (method.equals(Method.POST)) {
            // The body is bounded by server.max-payload-size, as for a post answered here.
            request.POST(HttpRequest.BodyPublishers.ofByteArray(req.content().as(byte[].class)))
                    .header("Content-Type", req.headers().first(HeaderNames.CONTENT_TYPE).orElse(PollAnswer.TEXT));
        }
        try {
            HttpResponse<byte[]> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return Optional.of(new PollAnswer(answer.statusCode(),
                    answer.headers().firstValue("Content-Type").orElse(PollAnswer.TEXT), answer.body()));
        } catch (IOException e) {
            LOG.warning(() -> "Realtime: the instance at " + owner.get() + " did not answer a forwarded engine.io "
                    + method.text() + " (" + e + "); the client is told its session is unknown, and reconnects");
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        http.shutdownNow();
    }
}
