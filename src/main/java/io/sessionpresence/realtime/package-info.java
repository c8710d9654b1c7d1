/**
 * Real-time delivery of presence and session events to admin dashboards, and presence events
 * from clients, over Socket.IO v4 ({@code /socket.io/}) and plain WebSocket ({@code /ws}) on the
 * HTTP port. {@link io.sessionpresence.realtime.Realtime} wires it;
 * {@link io.sessionpresence.realtime.Gateway} admits connections and
 * {@link io.sessionpresence.realtime.ClientSession} handles the seed's client events for either
 * protocol; {@link io.sessionpresence.realtime.AdminRoom} fans the admin events that reach this
 * instance out to its admins (the {@code events} package brings them, locally or through Redis
 * pub/sub, so that each admin gets each event once, whatever the number of instances).
 */
package io.sessionpresence.realtime;
