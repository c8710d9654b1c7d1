package io.sessionpresence.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.Set;

/**
 * The admin credential: {@code Authorization: Bearer <ADMIN_TOKEN>} on {@code /admin/*}, or the
 * token given when joining the realtime admin room. Only the token's SHA-256 is kept in memory,
 * and comparison is constant-time. With no token configured, admin access is off.
 */
public final class AdminAuth {
    private final Optional<byte[]> tokenHash;
    private final Set<String> adminUsers;

    public AdminAuth(String adminToken, Set<String> adminUsers) {
        this.tokenHash = adminToken == null || adminToken.isBlank()
                ? Optional.empty()
                : Optional.of(digest(adminToken));
        this.adminUsers = Set.copyOf(adminUsers);
    }

    public boolean enabled() {
        return tokenHash.isPresent();
    }

    /** True when {@code candidate} is the admin token. */
    public boolean isAdminToken(String candidate) {
        return candidate != null && tokenHash.map(h -> MessageDigest.isEqual(h, digest(candidate))).orElse(false);
    }

    /** True when a session of this user also grants admin (configured {@code admin.users}). */
    public boolean isAdminUser(String userId) {
        return userId != null && adminUsers.contains(userId);
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
