package io.sessionpresence.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PKI made with {@code openssl} for TLS tests: a CA, a server certificate for
 * {@code localhost} and {@code 127.0.0.1} and a client certificate, both signed by that CA, the
 * client one also as a PKCS#12 keystore. EC P-256 keys: quick to generate on a slow machine.
 *
 * @param caCert           the CA certificate (PEM): what a client or server trusts
 * @param serverCert       the server certificate (PEM), subjectAltName DNS:localhost, IP:127.0.0.1
 * @param serverKey        its unencrypted key (PEM)
 * @param clientCert       the client certificate (PEM), extendedKeyUsage clientAuth
 * @param clientKey        its unencrypted key (PEM)
 * @param clientKeystore   client certificate, key and CA as PKCS#12, protected by {@code keystorePassword}
 * @param keystorePassword the keystore's password
 */
public record TestCertificates(Path caCert, Path serverCert, Path serverKey, Path clientCert, Path clientKey,
                               Path clientKeystore, String keystorePassword) {
    private static final List<String> EC_KEY = List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes");

    /** Generates everything in {@code dir} (a test's {@code @TempDir}); throws when openssl fails. */
    public static TestCertificates generate(Path dir) {
        try {
            Path caKey = dir.resolve("ca.key");
            Path caCert = dir.resolve("ca.pem");
            openssl(dir, concat(List.of("req", "-x509"), EC_KEY, List.of("-keyout", caKey.toString(), "-out", caCert.toString(),
                    "-days", "2", "-subj", "/CN=session-presence test CA",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")));

            Path serverKey = dir.resolve("server.key");
            Path serverCert = dir.resolve("server.pem");
            signed(dir, "localhost", serverKey, serverCert, caCert, caKey,
                    "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");

            Path clientKey = dir.resolve("client.key");
            Path clientCert = dir.resolve("client.pem");
            signed(dir, "session-presence test client", clientKey, clientCert, caCert, caKey, "extendedKeyUsage=clientAuth\n");

            String password = "test-keystore-password";
            Path keystore = dir.resolve("client.p12");
            openssl(dir, List.of("pkcs12", "-export", "-in", clientCert.toString(), "-inkey", clientKey.toString(),
                    "-certfile", caCert.toString(), "-name", "client", "-out", keystore.toString(), "-passout", "pass:" + password));
            return new TestCertificates(caCert, serverCert, serverKey, clientCert, clientKey, keystore, password);
        } catch (IOException e) {
            throw new IllegalStateException("cannot generate test certificates in " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A key and a certificate for {@code commonName} signed by the CA, with the X.509 v3 {@code extensions}. */
    private static void signed(Path dir, String commonName, Path key, Path cert, Path caCert, Path caKey, String extensions)
            throws IOException, InterruptedException {
        Path csr = dir.resolve(cert.getFileName() + ".csr");
        Path ext = dir.resolve(cert.getFileName() + ".ext");
        Files.writeString(ext, "basicConstraints=CA:FALSE\n" + extensions);
        openssl(dir, concat(List.of("req"), EC_KEY, List.of("-keyout", key.toString(), "-out", csr.toString(),
                "-subj", "/CN=" + commonName)));
        openssl(dir, List.of("x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-days", "2", "-extfile", ext.toString(), "-out", cert.toString()));
    }

    private static void openssl(Path dir, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Executables.onPath("openssl").map(Path::toString)
                .orElseThrow(() -> new IllegalStateException("openssl is not on PATH")));
        command.addAll(args);
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + output);
        }
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return all;
    }
}
