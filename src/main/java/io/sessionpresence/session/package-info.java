/**
 * Login sessions: created from an identity token, validated by token on every call of the
 * caller's backend, refreshed, revoked one by one or all of a user's. {@link
 * io.sessionpresence.session.SessionService} holds the rules (lifetimes, the per-user limit, the
 * admin events); {@link io.sessionpresence.session.SessionStore} keeps them by session id with the
 * hash of the token's secret, in Redis (one record per user) or in memory, and announces what it
 * changes; {@link io.sessionpresence.session.SessionRoutes} is {@code /api/session/*};
 * {@link io.sessionpresence.session.SessionViews} is what each audience sees of a session;
 * {@link io.sessionpresence.session.SessionListings} reads the admin listings, which put sessions
 * beside the presence tracker's tracked activity (on Redis the session store reads the activity
 * map of each shard in the same script, by the key schema of {@code RedisKeys}).
 */
package io.sessionpresence.session;
