package io.sessionpresence.realtime.engineio;

import io.helidon.http.Headers;

/**
 * The request that opened an Engine.IO session (the first polling GET, or the WebSocket
 * upgrade): the client address as {@link io.sessionpresence.http.ClientInfo} resolves it, and
 * the request headers, for what the layer above reads from them (user agent, session token).
 */
public record Handshake(String ip, Headers headers) {
}
