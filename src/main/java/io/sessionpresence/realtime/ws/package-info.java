/**
 * The plain WebSocket endpoint {@code /ws}: JSON text frames {@code {"event": name, "data": {...}}}
 * both ways, over the shared transport ({@code realtime.transport}) and the protocol-independent
 * client handling of {@code realtime}.
 */
package io.sessionpresence.realtime.ws;
