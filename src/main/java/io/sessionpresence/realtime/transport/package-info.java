/**
 * The outbound side of every realtime connection: a bounded per-connection queue
 * ({@link io.sessionpresence.realtime.transport.Outbox}) and the one writer thread that drains it
 * into a WebSocket ({@link io.sessionpresence.realtime.transport.WsChannel}). Publishers only ever
 * enqueue, so a slow or dead client delays nobody but itself.
 */
package io.sessionpresence.realtime.transport;
