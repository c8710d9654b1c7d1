/**
 * The outbound side of every realtime connection: a bounded per-connection queue
 * ({@link io.sessionpresence.realtime.transport.Outbox}) and the one writer thread that drains it
 * into a WebSocket ({@link io.sessionpresence.realtime.transport.WsChannel}). Publishers only ever
 * enqueue, so a slow or dead client delays nobody but itself. The WebSocket upgrade and
 * connection are ours too ({@link io.sessionpresence.realtime.transport.ServiceWsUpgrades},
 * {@link io.sessionpresence.realtime.transport.CheckedWsConnection}: Helidon's handshake and frame
 * parser, the RFC 6455 rules Helidon's connection does not keep), and every write on an upgraded
 * socket goes through a gate that lets nothing follow a close frame.
 */
package io.sessionpresence.realtime.transport;
