// What the popup and the background worker share: the server to talk to, the session (kept in
// chrome.storage.local by session-client.js) and how presence is reported.
import { SessionClient, chromeStore, STORE_KEY } from './lib/session-client.js';
import { postHeartbeat } from './lib/heartbeat.js';

export const DEFAULT_SERVER = 'http://localhost:8080';
export const SESSION_KEY = STORE_KEY;
/** The "page" this extension's presence shows on the admin dashboard. */
export const PRESENCE_PAGE = 'chrome-extension';

export async function serverUrl() {
  return (await chrome.storage.local.get('serverUrl')).serverUrl ?? DEFAULT_SERVER;
}

export async function setServerUrl(url) {
  await chrome.storage.local.set({ serverUrl: url.replace(/\/$/, '') });
}

/** A SessionClient for the configured server, with the kept session loaded. */
export async function sessionClient() {
  const client = new SessionClient({ baseUrl: await serverUrl(), store: chromeStore(SESSION_KEY) });
  await client.load();
  return client;
}

/** One presence heartbeat for the signed-in session; `leaving` ends presence instead. */
export async function reportPresence(client, { leaving = false } = {}) {
  const res = await postHeartbeat({ baseUrl: await serverUrl(), sessionToken: client.session.token, page: PRESENCE_PAGE, leaving });
  await chrome.storage.local.set({ lastBeat: { at: Date.now(), status: res.status, leaving } });
  return res;
}
