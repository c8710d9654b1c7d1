package io.sessionpresence.realtime.engineio;

import io.sessionpresence.realtime.transport.Overflow;

/**
 * What the Engine.IO handshake announces and enforces.
 *
 * @param pingIntervalMs server ping period
 * @param pingTimeoutMs  how long after a ping the pong may take before the session is closed
 * @param maxPayload     largest request body or WebSocket message accepted, in bytes (characters for text)
 * @param queueSize      per-session outbound queue bound
 * @param overflow       what a full queue does
 */
public record EioSettings(long pingIntervalMs, long pingTimeoutMs, int maxPayload, int queueSize, Overflow overflow) {
}
