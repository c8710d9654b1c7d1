/**
 * Graceful shutdown on SIGTERM: readiness DOWN while the server drains, then every socket closed
 * with going-away, the server stopped letting requests in progress finish, all within
 * {@code server.shutdown-grace}. {@code Main} supplies the steps that close what it built.
 */
package io.sessionpresence.shutdown;
