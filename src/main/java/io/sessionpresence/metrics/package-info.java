/**
 * The service's own meters, in Prometheus form on {@code /observe/metrics}: {@link
 * io.sessionpresence.metrics.ServiceMetrics} names and creates every one of them and is handed,
 * by {@code Main}, to the code where each counted thing happens (sessions, heartbeats, sockets,
 * admin events, store errors, Redis batches, HTTP routes). Depends on nothing of ours, so that
 * any package may use it.
 */
package io.sessionpresence.metrics;
