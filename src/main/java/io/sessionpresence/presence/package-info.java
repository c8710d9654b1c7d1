/**
 * Live presence (who is on which page, from where) and tracked session activity: the HTTP
 * heartbeat routes, the presence filter, and the expiry-driven {@code user_expired} events.
 */
package io.sessionpresence.presence;
