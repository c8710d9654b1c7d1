package io.sessionpresence.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Session tokens, session ids and the hashes stored in their place.
 *
 * <p>A token is {@value #TOKEN_PREFIX}{@code <session id>.<secret>}: the fixed prefix lets secret
 * scanners recognise a leaked token; the public session id says where the session is stored, so
 * a validate reads one entry and a revoke by id needs no second index; the secret is 32 random
 * bytes (base64url) of which only {@link #hash} is stored.
 *
 * <p>A session id is the user's key ({@link #userKey}: 12 bytes of SHA-256 of the user id) and 6
 * random bytes, 24 base64url characters: every session of a user shares the user's record, which
 * is what makes the per-user operations one atomic step (see {@code RedisKeys}). The shared start
 * tells whoever sees two ids that they belong to one user; ids are shown only to that user and to
 * admins, who know it anyway.
 */
public final class Tokens {
    public static final String TOKEN_PREFIX = "sps_";
    /** Characters of a session id: {@link #USER_KEY_LENGTH} of user key, then 8 of its own. */
    public static final int SESSION_ID_LENGTH = 24;
    public static final int USER_KEY_LENGTH = 16;
    private static final int SECRET_LENGTH = 43;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    /** Never used itself, only cloned: a MessageDigest is not thread-safe. */
    private static final MessageDigest SHA256 = sha256Prototype();

    /** A token taken apart: where its session is, and the secret that proves it. */
    public record Parsed(String sessionId, String secret) {
    }

    private Tokens() {
    }

    /** A new session id for {@code userId}'s next session. */
    public static String newSessionId(String userId) {
        return userKey(userId) + randomBase64(6);
    }

    /** A new token for the session {@code sessionId}. */
    public static String newToken(String sessionId) {
        return TOKEN_PREFIX + sessionId + "." + randomBase64(32);
    }

    /** The parts of a token, or empty when it cannot be one of ours (nothing is looked up then). */
    public static Optional<Parsed> parse(String token) {
        int idStart = TOKEN_PREFIX.length();
        int dot = idStart + SESSION_ID_LENGTH;
        if (token == null || token.length() != dot + 1 + SECRET_LENGTH || !token.startsWith(TOKEN_PREFIX)
                || token.charAt(dot) != '.' || !isBase64Url(token, idStart, dot)
                || !isBase64Url(token, dot + 1, token.length())) {
            return Optional.empty();
        }
        return Optional.of(new Parsed(token.substring(idStart, dot), token.substring(dot + 1)));
    }

    /** Whether {@code sessionId} has the shape of one (anything else names no session). */
    public static boolean isSessionId(String sessionId) {
        return sessionId != null && sessionId.length() == SESSION_ID_LENGTH
                && isBase64Url(sessionId, 0, SESSION_ID_LENGTH);
    }

    /** The key of the record holding every session of {@code userId}. */
    public static String userKey(String userId) {
        return BASE64URL.encodeToString(Arrays.copyOf(sha256(userId), 12));
    }

    /** The user key a session id starts with. */
    public static String userKeyOf(String sessionId) {
        return sessionId.substring(0, USER_KEY_LENGTH);
    }

    /**
     * What is stored of a secret: the first 16 bytes of its SHA-256, base64url (22 characters).
     * 128 bits are beyond any search for a secret that matches, and the secret itself is 256
     * random bits, so a copy of the store gives no way in.
     */
    public static String hash(String secret) {
        return BASE64URL.encodeToString(Arrays.copyOf(sha256(secret), 16));
    }

    /** {@link #hash} of the secret of {@code token}, which must be one of ours ({@link #parse}). */
    public static String hashOfSecret(String token) {
        return hash(parse(token).orElseThrow(() -> new IllegalArgumentException("not a session token")).secret());
    }

    private static byte[] sha256(String text) {
        try {
            // A clone skips getInstance's provider lookup, which cost about as much as the hash.
            return ((MessageDigest) SHA256.clone()).digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
        }
    }

    private static MessageDigest sha256Prototype() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static boolean isBase64Url(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static String randomBase64(int bytes) {
        byte[] buffer = new byte[bytes];
        RANDOM.nextBytes(buffer);
        return BASE64URL.encodeToString(buffer);
    }
}
