/**
 * The browser side served by the service itself: the browser modules under {@code /static/}
 * ({@code heartbeat.js}, {@code session-client.js}, {@code realtime.js}) and the admin dashboard
 * at {@code /admin/}, from {@code src/main/resources/web/}, with a strict Content-Security-Policy.
 */
package io.sessionpresence.web;
