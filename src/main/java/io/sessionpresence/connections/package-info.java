/**
 * What one client can hold of the server: TCP connections (bounded below the process's file
 * descriptor limit), a request whose headers or body never finish (closed after a deadline), and
 * the listening socket itself (the process exits if Helidon's listener dies). Helidon's own
 * listener limits ({@code server.max-tcp-connections}, {@code server.max-concurrent-requests},
 * {@code server.idle-connection-timeout}) do the rest; config/application.yaml says which is which.
 */
package io.sessionpresence.connections;
