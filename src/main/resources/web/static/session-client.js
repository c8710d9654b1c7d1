/**
 * Login sessions for pages and browser extensions (the service's `/api/session/*`).
 *
 *   import { SessionClient } from 'https://presence.example.com/static/session-client.js';
 *   const client = new SessionClient({ baseUrl: 'https://presence.example.com' });
 *   await client.load();                                  // a session kept from before, if any
 *   if (!client.session) await client.create(identityToken, { rememberMe: true });
 *   client.startAutoRefresh();                            // refreshes before it expires
 *   fetch(url, { headers: client.authHeaders() });        // X-Session-Token for your own calls
 *   client.addEventListener('change', (e) => render(e.detail));   // null once signed out
 *
 * `identityToken` is what your identity provider issued (the server verifies it; in the server's
 * dev mode it is `dev:<user>`). The session is kept in a store: by default `browserStore()`
 * (sessionStorage, or localStorage with remember me), `memoryStore()`, or in an extension
 * `chromeStore()`. Events: `change` (detail: the session or null), `refreshed`, and `expired`
 * (the server no longer knows the session: it expired, or was revoked elsewhere).
 */

export const STORE_KEY = 'session-presence.session';

/** A failed call: `status` is the HTTP status (0 for a network error), `body` the JSON error. */
export class SessionError extends Error {
  constructor(message, status, body = null) {
    super(message);
    this.name = 'SessionError';
    this.status = status;
    this.body = body;
  }
}

/** Keeps the session in this object only (gone on reload). */
export function memoryStore() {
  let value = null;
  return {
    get: async () => value,
    set: async (session) => { value = session; },
    clear: async () => { value = null; },
  };
}

/**
 * sessionStorage for an ordinary session (gone with the tab), localStorage when remember me was
 * asked for (kept across restarts, as long as the server's remember-me lifetime).
 */
export function browserStore(key = STORE_KEY, { local = globalThis.localStorage, tab = globalThis.sessionStorage } = {}) {
  return {
    get: async () => JSON.parse(tab.getItem(key) ?? local.getItem(key) ?? 'null'),
    set: async (session) => {
      (session.rememberMe ? local : tab).setItem(key, JSON.stringify(session));
      (session.rememberMe ? tab : local).removeItem(key);
    },
    clear: async () => {
      tab.removeItem(key);
      local.removeItem(key);
    },
  };
}

/** `chrome.storage.local` (or another chrome.storage area) in an extension. */
export function chromeStore(key = STORE_KEY, area = globalThis.chrome?.storage?.local) {
  return {
    get: async () => (await area.get(key))[key] ?? null,
    set: async (session) => area.set({ [key]: session }),
    clear: async () => area.remove(key),
  };
}

const MAX_TIMER_MS = 2 ** 31 - 1;

export class SessionClient extends EventTarget {
  #baseUrl;
  #store;
  #fetch;
  #refreshMarginMs;
  #session = null;
  #timer = null;

  /**
   * @param {object} [options]
   * @param {string} [options.baseUrl='']  the service, '' for this page's origin
   * @param {object} [options.store]       where the session is kept (see above)
   * @param {number} [options.refreshMarginMs=300000] refresh this long before expiry (at most half the lifetime)
   */
  constructor({ baseUrl = '', store, refreshMarginMs = 5 * 60_000, fetch: fetchImpl } = {}) {
    super();
    this.#baseUrl = baseUrl.replace(/\/$/, '');
    this.#store = store ?? (globalThis.localStorage ? browserStore() : memoryStore());
    this.#fetch = fetchImpl ?? ((...args) => globalThis.fetch(...args));
    this.#refreshMarginMs = refreshMarginMs;
  }

  /** `{token, sessionId, userId, expiresAt, rememberMe, refreshedAt}` or null. */
  get session() {
    return this.#session;
  }

  /** Headers that authenticate a request as this session (empty when signed out). */
  authHeaders() {
    return this.#session ? { 'X-Session-Token': this.#session.token } : {};
  }

  /** Reads the stored session (without asking the server; see validate). */
  async load() {
    const stored = await this.#store.get();
    this.#session = stored && stored.expiresAt > Date.now() ? stored : null;
    if (stored && !this.#session) await this.#store.clear();
    this.#changed();
    return this.#session;
  }

  /** Signs in: exchanges an identity token for a session. */
  async create(identityToken, { rememberMe = false } = {}) {
    const body = await this.#call('POST', '/create', {
      headers: { Authorization: `Bearer ${identityToken}` },
      body: { remember_me: rememberMe },
      anonymous: true,
    });
    await this.#keep({
      token: body.session_token,
      sessionId: body.session_id,
      userId: body.user_id,
      expiresAt: body.expires_at,
      rememberMe: body.remember_me,
      refreshedAt: Date.now(),
    });
    return this.#session;
  }

  /** Asks the server whether the session is still live; forgets it when not. */
  async validate() {
    if (!this.#session) return false;
    try {
      const body = await this.#call('GET', '/validate');
      await this.#keep({ ...this.#session, expiresAt: body.expires_at });
      return true;
    } catch (err) {
      if (err.status === 401) return false;
      throw err;
    }
  }

  /** Extends the session by its full lifetime again (never past the server's cap). */
  async refresh() {
    const before = this.#session?.expiresAt;
    const body = await this.#call('POST', '/refresh');
    await this.#keep({ ...this.#session, expiresAt: body.expires_at, refreshedAt: Date.now(), capped: body.expires_at <= before });
    this.dispatchEvent(new CustomEvent('refreshed', { detail: this.#session }));
    return this.#session;
  }

  /** When the session expires, minus the margin (at most half of the time since the last refresh). */
  refreshDueAt() {
    const s = this.#session;
    if (!s) return null;
    if (s.capped) return s.expiresAt;
    const margin = Math.min(this.#refreshMarginMs, (s.expiresAt - s.refreshedAt) / 2);
    return s.expiresAt - margin;
  }

  /** Refreshes if it is due; for runtimes where timers do not survive (extension workers). */
  async refreshIfDue(now = Date.now()) {
    const due = this.refreshDueAt();
    if (due === null || now < due) return false;
    if (this.#session.capped) return this.validate();
    await this.refresh();
    return true;
  }

  /** Keeps the session alive while this page is open: refreshes when due, again and again. */
  startAutoRefresh() {
    this.stopAutoRefresh();
    const due = this.refreshDueAt();
    if (due === null) return;
    this.#timer = setTimeout(async () => {
      try {
        await this.refreshIfDue();
      } catch (err) {
        if (err.status !== 401) console.warn('session-client: refresh failed, retrying', err);
      }
      if (this.#timer !== null) this.startAutoRefresh();
    }, Math.min(MAX_TIMER_MS, Math.max(1_000, due - Date.now())));
  }

  stopAutoRefresh() {
    clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Ends this session. */
  async logout() {
    try {
      await this.#call('POST', '/logout');
    } finally {
      await this.#forget();
    }
  }

  /** Ends every session of this user (all devices). Resolves to how many were revoked. */
  async logoutAll() {
    try {
      return (await this.#call('POST', '/logout-all')).revoked;
    } finally {
      await this.#forget();
    }
  }

  /** This user's live sessions: `[{session_id, created, last_activity, expires_at, user_agent, ip, remember_me, current}]`. */
  async list() {
    return (await this.#call('GET', '/list')).sessions;
  }

  /** Ends one of this user's sessions (revoking the current one signs out here too). */
  async revoke(sessionId) {
    const body = await this.#call('DELETE', `/${encodeURIComponent(sessionId)}`);
    if (body.current) await this.#forget();
    return body;
  }

  async #call(method, path, { headers = {}, body, anonymous = false } = {}) {
    if (!anonymous && !this.#session) throw new SessionError('Not signed in', 401);
    const init = { method, headers: { ...(anonymous ? {} : this.authHeaders()), ...headers }, credentials: 'omit' };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await this.#fetch(`${this.#baseUrl}/api/session${path}`, init);
    } catch (err) {
      throw new SessionError(`Network error: ${err.message}`, 0);
    }
    const json = await res.json().catch(() => null);
    if (!res.ok) {
      if (res.status === 401 && !anonymous) {
        await this.#forget();
        this.dispatchEvent(new CustomEvent('expired'));
      }
      throw new SessionError(json?.error ?? `HTTP ${res.status}`, res.status, json);
    }
    return json;
  }

  async #keep(session) {
    const same = JSON.stringify(session) === JSON.stringify(this.#session);
    this.#session = session;
    await this.#store.set(session);
    if (!same) this.#changed();
  }

  async #forget() {
    this.stopAutoRefresh();
    this.#session = null;
    await this.#store.clear();
    this.#changed();
  }

  #changed() {
    this.dispatchEvent(new CustomEvent('change', { detail: this.#session }));
  }
}
