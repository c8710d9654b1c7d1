/**
 * How the service's log lines look and how often repeated ones are written: the request id of
 * the request a line belongs to ({@link io.sessionpresence.logging.RequestId}), the text and JSON
 * formatters that print it ({@link io.sessionpresence.logging.LogFormat}), and the limiter that
 * turns a flood of identical errors into one line per window with a count
 * ({@link io.sessionpresence.logging.LogLimiter}). Depends on nothing of ours, so that any package
 * may log through it.
 */
package io.sessionpresence.logging;
