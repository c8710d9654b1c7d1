/**
 * Rate limits: token buckets per client address, per user and per socket connection. The volume
 * limits count in this process (Bucket4j); the tight ones (logins per user, credential failures)
 * count where every instance sees the same figure, in Redis when the store is Redis.
 * {@link io.sessionpresence.limits.Limits} is what routes and sockets ask.
 */
package io.sessionpresence.limits;
