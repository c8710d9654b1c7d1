package io.sessionpresence.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

import io.helidon.config.Config;
import io.sessionpresence.config.InvalidConfigException;
import io.sessionpresence.config.Settings;

/**
 * Credentials and TLS for every topology ({@code redis.username}, {@code redis.password},
 * {@code redis.sentinel.username}/{@code password}, {@code redis.tls.*}). A {@code redis.url}
 * carries its own user, password and scheme, which win over these.
 *
 * @param username         ACL user of the data nodes; empty = {@code default}
 * @param password         password of the data nodes; empty = none
 * @param sentinelUsername ACL user of the sentinels themselves
 * @param sentinelPassword password of the sentinels themselves (often none, or not the data nodes')
 * @param tls              Sentinel and Cluster nodes are reached with TLS
 * @param caFile           PEM certificates to trust for the servers' TLS instead of the JVM's; empty = the JVM's
 * @param keystore         PKCS#12 file with a client certificate and key (servers with {@code tls-auth-clients}); empty = none
 * @param keystorePassword its password
 */
public record RedisAccess(String username, String password, String sentinelUsername, String sentinelPassword,
                          boolean tls, String caFile, String keystore, String keystorePassword) {

    /** No credentials, no TLS. */
    public static final RedisAccess NONE = new RedisAccess("", "", "", "", false, "", "", "");

    public static RedisAccess from(Config root) {
        RedisAccess access = new RedisAccess(Settings.string(root, "redis.username"), Settings.string(root, "redis.password"),
                Settings.string(root, "redis.sentinel.username"), Settings.string(root, "redis.sentinel.password"),
                Settings.bool(root, "redis.tls.enabled"), Settings.string(root, "redis.tls.ca-file").trim(),
                Settings.string(root, "redis.tls.keystore").trim(), Settings.string(root, "redis.tls.keystore-password"));
        access.trustManagers();
        access.keyManagers();
        return access;
    }

    /** The trust of {@link #caFile}, or null for the JVM's; an unreadable file stops startup naming its key. */
    public TrustManagerFactory trustManagers() {
        if (caFile.isEmpty()) {
            return null;
        }
        try (InputStream in = Files.newInputStream(Path.of(caFile))) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("ca-" + i++, certificate);
            }
            if (i == 0) {
                throw new InvalidConfigException("redis.tls.ca-file", "holds no PEM certificate: " + caFile);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            return factory;
        } catch (IOException | GeneralSecurityException e) {
            throw new InvalidConfigException("redis.tls.ca-file", "cannot be read as PEM certificates: " + e.getMessage());
        }
    }

    /** The client certificate of {@link #keystore}, or null for none. */
    public KeyManagerFactory keyManagers() {
        if (keystore.isEmpty()) {
            return null;
        }
        try (InputStream in = Files.newInputStream(Path.of(keystore))) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, keystorePassword.toCharArray());
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keys, keystorePassword.toCharArray());
            return factory;
        } catch (IOException | GeneralSecurityException e) {
            throw new InvalidConfigException("redis.tls.keystore", "cannot be read as PKCS#12 with redis.tls.keystore-password: "
                    + e.getMessage());
        }
    }

    /** Never prints a password. */
    @Override
    public String toString() {
        return "RedisAccess[username=" + username + ", password=" + (password.isEmpty() ? "" : "***") + ", tls=" + tls
                + ", caFile=" + caFile + ", keystore=" + keystore + "]";
    }
}
