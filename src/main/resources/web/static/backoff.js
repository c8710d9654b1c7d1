/**
 * Timing helpers shared by heartbeat.js and realtime.js, so that many clients started at the same
 * moment (after a deploy, a network blip or a server restart) do not keep hitting the server in
 * step.
 */

/** `baseMs` spread uniformly over ±`ratio` of itself: jittered(30000, 0.2) is 24–36 s. */
export function jittered(baseMs, ratio, random = Math.random) {
  return Math.round(baseMs * (1 - ratio + 2 * ratio * random()));
}

/**
 * Exponential backoff with "equal jitter" for the `failures`-th failure in a row (1, 2, ...):
 * between half and all of min(maxMs, baseMs * 2^failures), so retries spread out but never come
 * sooner than half the nominal delay.
 */
export function backoffDelay(failures, baseMs, maxMs, random = Math.random) {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(failures, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
