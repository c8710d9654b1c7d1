/**
 * Engine.IO v4 (the transport under Socket.IO): packet and payload codec, sessions with their
 * heartbeat, the HTTP long-polling transport and the WebSocket transport with the
 * polling-to-WebSocket upgrade. It knows nothing of Socket.IO; it hands each session's messages
 * to an {@link io.sessionpresence.realtime.engineio.EioHandler}.
 */
package io.sessionpresence.realtime.engineio;
