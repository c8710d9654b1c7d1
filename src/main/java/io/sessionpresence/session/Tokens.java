package io.sessionpresence.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Session tokens and their hashes. A token is {@value #TOKEN_PREFIX} followed by 32 random bytes
 * in base64url: the fixed prefix lets secret scanners recognise a leaked token. Only
 * {@link #hash(String)} of a token is ever stored.
 */
public final class Tokens {
    public static final String TOKEN_PREFIX = "sps_";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    /** Upper bound on a token we bother hashing; anything longer cannot be one of ours. */
    private static final int MAX_TOKEN_LENGTH = 128;

    private Tokens() {
    }

    public static String newToken() {
        return TOKEN_PREFIX + randomBase64(32);
    }

    /** The public session id: random and unrelated to the token. */
    public static String newSessionId() {
        return randomBase64(16);
    }

    public static boolean looksLikeToken(String token) {
        return token != null && token.startsWith(TOKEN_PREFIX) && token.length() <= MAX_TOKEN_LENGTH;
    }

    /** Hex SHA-256 of the token: the key a session is stored under. */
    public static String hash(String token) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String randomBase64(int bytes) {
        byte[] buffer = new byte[bytes];
        RANDOM.nextBytes(buffer);
        return BASE64URL.encodeToString(buffer);
    }
}
