/**
 * Real-time delivery of presence and session events to admin dashboards, and presence events
 * from clients, over Socket.IO v4 ({@code /socket.io/}, package {@code socketio} on
 * {@code engineio}) and plain WebSocket ({@code /ws}, package {@code ws}) on the HTTP port. This
 * package is the protocol-independent core: {@link io.sessionpresence.realtime.Realtime} holds
 * this instance's admin room and the timers; {@link io.sessionpresence.realtime.Gateway} admits
 * connections; {@link io.sessionpresence.realtime.ConnectedClient} handles the client events
 * (join-room, user:heartbeat, ...) for either protocol; {@link
 * io.sessionpresence.realtime.AdminRoom} fans the admin events that reach this instance out to
 * its admins (the {@code events} package brings them, locally or through Redis pub/sub, so that
 * each admin gets each event once, whatever the number of instances). {@code Main.sockets} builds
 * the endpoints on it.
 */
package io.sessionpresence.realtime;
