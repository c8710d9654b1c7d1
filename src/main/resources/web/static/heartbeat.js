/**
 * Presence heartbeat for web pages: tells the service every ~30 s that this user is on this page.
 *
 *   <script type="module">
 *     import { startHeartbeat } from 'https://presence.example.com/static/heartbeat.js';
 *     const heartbeat = startHeartbeat({
 *       baseUrl: 'https://presence.example.com',   // '' (default) for the page's own origin
 *       user: () => window.currentUser,             // or sessionToken: () => client.session?.token
 *       socket,                                     // optional: a connected RealtimeSocket / socket.io socket
 *     });
 *   </script>
 *
 * Compared with a bare setInterval:
 * - jittered: each wait is `intervalMs` ± `jitter` (and the first beat comes within
 *   `startJitterMs`), so pages loaded together do not beat together;
 * - paused while the tab is hidden; one beat at once when it becomes visible again;
 * - on failure it backs off exponentially (with jitter, up to `maxBackoffMs`, at least the
 *   server's Retry-After), and returns to the normal interval after a success;
 * - over the socket when one is connected (`user:heartbeat`), over HTTP otherwise;
 * - says goodbye on page hide with `navigator.sendBeacon` (`{"leaving": true}`), so the user
 *   leaves the admin view at once instead of after the presence TTL; other tabs of the same
 *   origin running a heartbeat then beat within a second, so a user with another tab open stays present.
 *
 * Signing out? `await heartbeat.leave()` first: it ends presence while the session is still valid.
 * The returned Heartbeat is an EventTarget: `beat` (detail: {transport, ok, status, delayMs}),
 * `pause`, `resume`, `goodbye`, and `unauthorized` (the session token was refused: sign in again).
 */
import { backoffDelay, jittered } from './backoff.js';

export const HEARTBEAT_DEFAULTS = Object.freeze({
  intervalMs: 30_000,
  jitter: 0.2,
  startJitterMs: 1_000,
  maxBackoffMs: 5 * 60_000,
});

const CHANNEL = 'session-presence:heartbeat';
const SIBLING_DELAY_MS = 500;

const valueOf = (v) => (typeof v === 'function' ? v() : v);
const definedOnly = (options) => Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));

/**
 * One heartbeat over HTTP: `POST {baseUrl}/api/heartbeat`. Used by the page heartbeat and by the
 * example extension's background worker. Resolves to the Response (network errors reject).
 */
export function postHeartbeat({ baseUrl = '', user, page, sessionToken, leaving = false, fetch: fetchImpl = globalThis.fetch }) {
  const headers = { 'Content-Type': 'application/json' };
  if (sessionToken) headers['X-Session-Token'] = sessionToken;
  return fetchImpl(`${baseUrl}/api/heartbeat`, {
    method: 'POST',
    headers,
    body: JSON.stringify(leaving ? { user, page, leaving } : { user, page }),
    credentials: 'omit',
  });
}

export class Heartbeat extends EventTarget {
  #o;
  #timer = null;
  #failures = 0;
  #retryNotBefore = 0;
  #inFlight = false;
  #stopped = false;
  #left = false;
  #channel = null;
  #unlisten = [];

  constructor(options) {
    super();
    this.#o = {
      ...HEARTBEAT_DEFAULTS,
      baseUrl: '',
      page: () => globalThis.location?.pathname ?? '',
      sessionToken: () => null,
      socket: null,
      random: Math.random,
      fetch: (...args) => globalThis.fetch(...args),
      document: globalThis.document,
      window: globalThis,
      ...definedOnly(options),
    };
    const { document: doc, window: win } = this.#o;
    this.#listen(doc, 'visibilitychange', () => (this.#hidden() ? this.#pause() : this.#resume()));
    this.#listen(win, 'pagehide', () => this.goodbye());
    this.#listen(win, 'pageshow', (e) => e.persisted && this.#back());
    if (typeof BroadcastChannel === 'function') {
      this.#channel = new BroadcastChannel(CHANNEL);
      // Soon, not at once: the other tab's goodbye beacon must land first.
      this.#channel.onmessage = (e) => e.data === 'left' && this.#active() && this.#schedule(SIBLING_DELAY_MS * (1 + this.#o.random()));
    }
    if (!this.#hidden()) this.#schedule(this.#o.random() * this.#o.startJitterMs);
  }

  /** Consecutive failed beats (0 when the last one went through). */
  get failures() {
    return this.#failures;
  }

  get paused() {
    return this.#hidden();
  }

  /** Beats now (the next one follows the usual schedule). Resolves to whether it went through. */
  async beatNow() {
    if (!this.#active() || this.#inFlight) return false;
    clearTimeout(this.#timer);
    this.#inFlight = true;
    let result;
    try {
      result = await this.#send();
    } finally {
      this.#inFlight = false;
    }
    const { intervalMs, jitter, maxBackoffMs, random } = this.#o;
    let delayMs;
    if (result.ok) {
      this.#failures = 0;
      this.#retryNotBefore = 0;
      delayMs = jittered(intervalMs, jitter, random);
    } else {
      this.#failures += 1;
      delayMs = Math.max(backoffDelay(this.#failures, intervalMs, maxBackoffMs, random), result.retryAfterMs ?? 0);
      this.#retryNotBefore = Date.now() + delayMs;
      if (result.status === 401) this.#emit('unauthorized', { status: 401 });
    }
    this.#emit('beat', { transport: result.transport, ok: result.ok, status: result.status, delayMs });
    if (this.#active()) this.#schedule(delayMs);
    return result.ok;
  }

  /**
   * Ends presence now: stops beating and sends `{"leaving": true}` with sendBeacon (fetch with
   * keepalive where there is no sendBeacon). Called by itself on `pagehide`; a page restored from
   * the back/forward cache (`pageshow`) beats again at once.
   */
  goodbye() {
    if (this.#stopped || this.#left) return;
    this.#left = true;
    clearTimeout(this.#timer);
    const token = valueOf(this.#o.sessionToken);
    const body = { user: valueOf(this.#o.user), page: valueOf(this.#o.page), leaving: true };
    // sendBeacon cannot set headers: the token travels in the body.
    if (token) body.session_token = token;
    const url = `${this.#o.baseUrl}/api/heartbeat`;
    const text = JSON.stringify(body);
    const nav = this.#o.window.navigator;
    const sent = typeof nav?.sendBeacon === 'function'
      && nav.sendBeacon(url, new Blob([text], { type: 'text/plain;charset=UTF-8' }));
    if (!sent) {
      this.#o.fetch(url, { method: 'POST', body: text, keepalive: true, credentials: 'omit' }).catch(() => {});
    }
    this.#channel?.postMessage('left');
    this.#emit('goodbye', { beacon: Boolean(sent) });
  }

  /**
   * Ends presence and stops for good, waiting for the server: for signing out, where the goodbye
   * must land before the session ends (goodbye() is for page hide, where nothing can wait).
   */
  async leave() {
    if (this.#stopped) return;
    const { baseUrl, fetch: fetchImpl } = this.#o;
    const message = { user: valueOf(this.#o.user), page: valueOf(this.#o.page), sessionToken: valueOf(this.#o.sessionToken) };
    this.stop();
    await postHeartbeat({ baseUrl, ...message, leaving: true, fetch: fetchImpl }).catch(() => {});
  }

  /** Stops for good, without a goodbye. */
  stop() {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#unlisten.forEach((undo) => undo());
    this.#unlisten = [];
    this.#channel?.close();
  }

  async #send() {
    const { socket, baseUrl, fetch: fetchImpl } = this.#o;
    const user = valueOf(this.#o.user);
    const page = valueOf(this.#o.page);
    if (socket?.connected) {
      try {
        socket.emit('user:heartbeat', { user, page });
        return { ok: true, transport: 'socket' };
      } catch {
        // The socket went away between the check and the send: HTTP below.
      }
    }
    try {
      const res = await postHeartbeat({ baseUrl, user, page, sessionToken: valueOf(this.#o.sessionToken), fetch: fetchImpl });
      const retryAfter = Number(res.headers.get('Retry-After'));
      return {
        ok: res.ok,
        status: res.status,
        transport: 'http',
        retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 0,
      };
    } catch {
      return { ok: false, status: 0, transport: 'http' };
    }
  }

  #schedule(delayMs) {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.beatNow(), delayMs);
  }

  #pause() {
    clearTimeout(this.#timer);
    this.#emit('pause', {});
  }

  #resume() {
    if (!this.#active()) return;
    this.#emit('resume', {});
    // At once, unless a failure's backoff is still running: then when it ends.
    const wait = this.#retryNotBefore - Date.now();
    if (wait > 0) {
      this.#schedule(wait);
    } else {
      this.beatNow();
    }
  }

  #back() {
    if (this.#stopped || !this.#left) return;
    this.#left = false;
    this.#resume();
  }

  /** Beating: not stopped, not gone with the page, and the tab is visible. */
  #active() {
    return !this.#stopped && !this.#left && !this.#hidden();
  }

  #hidden() {
    return this.#o.document?.visibilityState === 'hidden';
  }

  #listen(target, type, fn) {
    if (!target?.addEventListener) return;
    target.addEventListener(type, fn);
    this.#unlisten.push(() => target.removeEventListener(type, fn));
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

/** Starts a heartbeat; see the top of this file for the options. */
export function startHeartbeat(options = {}) {
  return new Heartbeat(options);
}
