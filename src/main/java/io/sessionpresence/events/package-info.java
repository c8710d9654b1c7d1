/**
 * The admin-event contract: what services announce to admin dashboards ({@link
 * io.sessionpresence.events.AdminEvent}, its names), the publisher interface stores and services
 * write to ({@link io.sessionpresence.events.AdminEvents}), its one wire format between instances
 * ({@link io.sessionpresence.events.AdminEventWire}), and the two ways events travel: straight to
 * this instance's room, or over Redis pub/sub to every instance's. Knows nothing of sockets: the
 * receiving side hands it a function that delivers to the local admin room.
 */
package io.sessionpresence.events;
