/**
 * The user-data cache of {@code /api/cache/user/{user_id}}: a JSON document per user with a TTL,
 * readable and writable only by a session of that same user.
 */
package io.sessionpresence.cache;
