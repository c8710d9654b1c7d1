/**
 * Rate limits: token buckets (Bucket4j) per client address, per user and per socket connection,
 * local to this instance. {@link io.sessionpresence.limits.Limits} is what routes and sockets ask.
 */
package io.sessionpresence.limits;
