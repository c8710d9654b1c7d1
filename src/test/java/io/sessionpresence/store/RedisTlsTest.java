package io.sessionpresence.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.sessionpresence.testing.HttpTestClient.Response;
import io.sessionpresence.testing.LogCapture;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestCertificates;
import io.sessionpresence.testing.TestRedis;
import io.sessionpresence.testing.TestService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code rediss://} against a real redis-server with TLS: the CA of {@code redis.tls.ca-file} is
 * what the server's certificate is checked against (the JVM's trust alone refuses it), and the
 * PKCS#12 of {@code redis.tls.keystore} is the client certificate a server with
 * {@code tls-auth-clients yes} demands. The service is only ever told the TLS port; the server's
 * plain port exists for this test's own probes, and its client list shows the service never used it.
 */
class RedisTlsTest {
    /** Startup against a server that refuses the handshake must fail in about this, not hang. */
    private static final long FAIL_FAST_MS = 10_000;

    @TempDir
    static Path dir;
    static TestCertificates certificates;

    /** A TLS server and its plain port (PING and CLIENT LIST only). */
    private record TlsRedis(TestRedis redis, int tlsPort) implements AutoCloseable {
        String url() {
            // localhost, not 127.0.0.1: the name the certificate is checked against like a real host name.
            return "rediss://localhost:" + tlsPort;
        }

        @Override
        public void close() {
            redis.close();
        }
    }

    @BeforeAll
    static void generateCertificates() {
        certificates = TestCertificates.generate(dir);
    }

    @Test
    void connectsWithTheConfiguredCa() {
        try (TlsRedis server = startTls("no");
             TestService service = start(server, Map.of("redis.tls.ca-file", certificates.caCert().toString()))) {
            assertSessionsWork(service);
            assertOnlyTlsClients(server);
        }
    }

    @Test
    void presentsTheKeystoreWhenTheServerDemandsAClientCertificate() {
        try (TlsRedis server = startTls("yes")) {
            try (TestService service = start(server, Map.of("redis.tls.ca-file", certificates.caCert().toString(),
                    "redis.tls.keystore", certificates.clientKeystore().toString(),
                    "redis.tls.keystore-password", certificates.keystorePassword()))) {
                assertSessionsWork(service);
                assertOnlyTlsClients(server);
            }
            try (LogCapture redisson = LogCapture.of("org.redisson")) {
                RuntimeException refused = assertFailsFast(server, Map.of("redis.tls.ca-file", certificates.caCert().toString()));
                System.out.println("Without a client certificate: " + causes(refused));
                // With TLS 1.3 the server's alert arrives after the client's handshake is done, so
                // the startup error itself says only "TimeoutException": Redisson's log says why.
                assertRefusedFor("certificate_required", refused, redisson);
            }
        }
    }

    @Test
    void refusesTheServerWithoutItsCa() {
        try (TlsRedis server = startTls("no"); LogCapture redisson = LogCapture.of("org.redisson")) {
            RuntimeException refused = assertFailsFast(server, Map.of());
            System.out.println("With the JVM's trust only: " + causes(refused));
            // The certificate check, not something else, is what failed: the JVM does not know the test CA.
            assertRefusedFor("PKIX path building failed", refused, redisson);
        }
    }

    /** A server with TLS on a port of its own and {@code tls-auth-clients} as given. */
    private static TlsRedis startTls(String authClients) {
        try {
            int plainPort = TestRedis.freePort();
            int tlsPort = TestRedis.freePort();
            while (tlsPort == plainPort) {
                tlsPort = TestRedis.freePort();
            }
            TestRedis redis = TestRedis.startServer(plainPort, List.of("--tls-port", Integer.toString(tlsPort),
                    "--tls-cert-file", certificates.serverCert().toString(),
                    "--tls-key-file", certificates.serverKey().toString(),
                    "--tls-ca-cert-file", certificates.caCert().toString(),
                    "--tls-auth-clients", authClients,
                    "--save", "", "--appendonly", "no"));
            return new TlsRedis(redis, tlsPort);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The service on the TLS server only; {@code tls} adds the redis.tls.* keys under test. */
    private static TestService start(TlsRedis server, Map<String, String> tls) {
        Map<String, String> config = new HashMap<>(tls);
        config.put("store.type", "redis");
        config.put("redis.url", server.url());
        config.put("redis.key-prefix", "tls" + UUID.randomUUID().toString().substring(0, 8) + ":");
        config.putIfAbsent("redis.timeout-ms", "5000");
        // MEMORY is only the base map: store.type=redis above, and the shared plain server is not started.
        return TestService.start(StoreKind.MEMORY, config);
    }

    private static RuntimeException assertFailsFast(TlsRedis server, Map<String, String> tls) {
        // Short timeouts, so that a refused handshake fails startup at once (Redisson waits for a
        // connection's first reply up to timeout-ms, for its first connections up to connect-timeout
        // times 4); not shorter than a cold JVM's first handshake, or the refusal would be a
        // timeout for another reason.
        Map<String, String> config = new HashMap<>(tls);
        config.put("redis.timeout-ms", "1000");
        config.put("redis.connect-timeout-ms", "1000");
        long start = System.nanoTime();
        RuntimeException refused = assertThrows(RuntimeException.class, () -> start(server, config).close(),
                "the service must not start on a TLS connection it cannot establish");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < FAIL_FAST_MS, "startup failed within " + FAIL_FAST_MS + " ms, took " + millis + " ms");
        System.out.println("Startup refused after " + millis + " ms");
        return refused;
    }

    private static void assertSessionsWork(TestService service) {
        Response created = service.login("tls-user", false);
        assertEquals(200, created.status(), created.body());
        Response valid = service.get("/api/session/validate", "X-Session-Token", created.text("session_token"));
        assertEquals(200, valid.status(), valid.body());
        assertTrue(valid.json().get("valid").asBoolean());
        assertEquals("tls-user", valid.text("user_id"));
    }

    /**
     * Every connection the server has, but the one asking, arrived on the TLS port ({@code laddr}
     * is the server's own end of a connection): the service never fell back to plain TCP.
     */
    private static void assertOnlyTlsClients(TlsRedis server) {
        List<String> others = server.redis().command("CLIENT", "LIST").lines()
                .filter(client -> !client.contains("cmd=client|list"))
                .toList();
        assertFalse(others.isEmpty(), "the service holds connections");
        for (String client : others) {
            assertTrue(client.contains(" laddr=127.0.0.1:" + server.tlsPort() + " "), "not on the TLS port: " + client);
        }
    }

    /**
     * The TLS handshake failed for {@code reason}: in the startup error, or in what Redisson logs
     * for the failed connection (which may come after the startup error, from its I/O thread).
     */
    private static void assertRefusedFor(String reason, RuntimeException refused, LogCapture redisson) {
        long deadline = System.currentTimeMillis() + 5000;
        while (!causes(refused).contains(reason) && System.currentTimeMillis() < deadline) {
            if (redisson.records().stream().anyMatch(r -> r.getThrown() != null && causes(r.getThrown()).contains(reason))) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        assertTrue(causes(refused).contains(reason), "refused for " + reason + ", neither in the startup error "
                + causes(refused) + " nor in Redisson's log: " + redisson.records().stream()
                .map(r -> r.getMessage() + (r.getThrown() == null ? "" : " " + causes(r.getThrown()))).toList());
    }

    /** The exception and its causes, one line: where the reason for a refused startup shows. */
    private static String causes(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(text.isEmpty() ? "" : " <- ").append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        }
        return text.toString();
    }
}
