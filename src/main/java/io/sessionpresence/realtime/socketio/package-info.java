/**
 * Socket.IO v5 protocol (what socket.io-client v4 speaks) over Engine.IO: the packet codec, and
 * one connection's namespace handshake with {@code auth}, events, acknowledgements and refusals.
 * Only the default namespace {@code /} exists. {@link io.sessionpresence.realtime.socketio.SocketIoEndpoint}
 * is the endpoint {@code Main} mounts.
 */
package io.sessionpresence.realtime.socketio;
