/**
 * What one client can hold of the server: open connections (a slot each, in all and per client
 * address, refused at once past either bound, and kept below the process's file descriptor
 * limit), a request whose headers or body never finish (closed after a deadline), a connection
 * after a {@code Connection: close} answer (ended), and the listening socket itself (the process
 * exits if Helidon's listener dies). Helidon's own listener limits
 * ({@code server.max-concurrent-requests}, {@code server.idle-connection-timeout}) do the rest;
 * config/application.yaml says which is which.
 */
package io.sessionpresence.connections;
