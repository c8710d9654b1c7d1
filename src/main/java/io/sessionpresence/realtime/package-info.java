/**
 * Real-time delivery of presence and session events to admin dashboards.
 */
package io.sessionpresence.realtime;
