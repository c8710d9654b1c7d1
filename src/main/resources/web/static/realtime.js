/**
 * A small client for the service's plain WebSocket endpoint `/ws` (JSON text frames
 * `{"event": name, "data": {...}}` both ways), with a Socket.IO-like surface — `connected`,
 * `emit(event, data)`, `on(event, fn)`, `off(event, fn)` — so heartbeat.js takes either this or a
 * socket.io-client socket.
 *
 *   import { RealtimeSocket } from '/static/realtime.js';
 *   const socket = new RealtimeSocket('/ws', { auth: { token: adminToken } });   // or { session_token }
 *   socket.on('connect', () => socket.emit('join-room', { room: 'admin' }));
 *   socket.on('admin:presence:update', (data) => { ... });
 *
 * Credentials (`auth`: an object, or a function returning one, read at each connection) go in
 * the first frame, `{"event":"auth","data":{...}}`, never in the URL: URLs end up in proxy and
 * server logs. Besides the server's events, listeners get `connect`, `disconnect` ({code,
 * reason}) and `refused` ({reason}: the server closed with 1008 — bad credentials — or 4001 —
 * the session ended, after a `session_ended` event — and no reconnect follows). Any other loss
 * of the connection reconnects after a jittered exponential backoff.
 */
import { backoffDelay } from './backoff.js';

const POLICY_VIOLATION = 1008;
const SESSION_ENDED = 4001;

/** `path` (or an absolute http(s)/ws(s) URL) as a ws:// or wss:// URL, relative to `base`. */
export function webSocketUrl(path, base = globalThis.location?.href) {
  const url = new URL(path, base);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol === 'https:') url.protocol = 'wss:';
  return url.href;
}

export class RealtimeSocket {
  #url;
  #options;
  #ws = null;
  #listeners = new Map();
  #failures = 0;
  #timer = null;
  #closed = false;

  /**
   * @param {string} url `/ws` path or absolute URL
   * @param {object} [options]
   * @param {object|function(): object} [options.auth] `{token}` (admin) or `{session_token}`, sent first
   * @param {number} [options.minDelayMs=500]   first reconnect delay (doubling, jittered)
   * @param {number} [options.maxDelayMs=30000] longest reconnect delay
   * @param {typeof WebSocket} [options.WebSocket] for tests or non-browser runtimes
   */
  constructor(url, options = {}) {
    this.#url = webSocketUrl(url);
    this.#options = { minDelayMs: 500, maxDelayMs: 30_000, random: Math.random, WebSocket: globalThis.WebSocket, ...options };
    this.#open();
  }

  get connected() {
    return this.#ws !== null && this.#ws.readyState === 1;
  }

  on(event, fn) {
    if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
    this.#listeners.get(event).add(fn);
    return this;
  }

  off(event, fn) {
    this.#listeners.get(event)?.delete(fn);
    return this;
  }

  /** Sends one event; throws when not connected (callers fall back to HTTP). */
  emit(event, data = {}) {
    if (!this.connected) throw new Error('socket not connected');
    this.#ws.send(JSON.stringify({ event, data }));
    return this;
  }

  /** Closes for good: no reconnect. */
  close() {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#ws?.close(1000, 'client closed');
  }

  #fire(event, data) {
    for (const fn of this.#listeners.get(event) ?? []) {
      try {
        fn(data);
      } catch (err) {
        console.error(`realtime: listener for ${event} failed`, err);
      }
    }
  }

  #open() {
    const ws = new this.#options.WebSocket(this.#url);
    this.#ws = ws;
    ws.addEventListener('open', () => {
      this.#failures = 0;
      const { auth } = this.#options;
      const credentials = typeof auth === 'function' ? auth() : auth;
      // Sent before anything a `connect` listener sends: the server reads frames in order.
      if (credentials) ws.send(JSON.stringify({ event: 'auth', data: credentials }));
      this.#fire('connect');
    });
    ws.addEventListener('message', (msg) => {
      let frame;
      try {
        frame = JSON.parse(msg.data);
      } catch {
        return;
      }
      if (frame && typeof frame.event === 'string') this.#fire(frame.event, frame.data ?? {});
    });
    ws.addEventListener('close', (e) => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      this.#fire('disconnect', { code: e.code, reason: e.reason });
      if (e.code === POLICY_VIOLATION || e.code === SESSION_ENDED) {
        this.#closed = true;
        this.#fire('refused', { reason: e.reason });
      }
      if (this.#closed) return;
      this.#failures += 1;
      const { minDelayMs, maxDelayMs, random } = this.#options;
      this.#timer = setTimeout(() => this.#open(), backoffDelay(this.#failures, minDelayMs / 2, maxDelayMs, random));
    });
  }
}
