// The popup: choose the server, log in (with remember me), see the session, log out here or
// everywhere. The background worker reports presence while a session is kept.
import { reportPresence, serverUrl, sessionClient, setServerUrl } from './settings.js';

const $ = (id) => document.getElementById(id);
let client = null;

function render() {
  const session = client?.session;
  $('signed-out').hidden = Boolean(session);
  $('signed-in').hidden = !session;
  if (session) {
    $('state').textContent = `Signed in as ${session.userId} (session ${session.sessionId.slice(0, 8)}…), `
      + `until ${new Date(session.expiresAt).toLocaleString()}${session.rememberMe ? ', remembered' : ''}.`;
  }
}

async function showLastBeat() {
  const { lastBeat } = await chrome.storage.local.get('lastBeat');
  $('last-beat').textContent = lastBeat && !lastBeat.leaving
    ? `Last heartbeat ${new Date(lastBeat.at).toLocaleTimeString()} (HTTP ${lastBeat.status}).` : '';
}

async function connect() {
  await setServerUrl($('server').value.trim() || $('server').placeholder);
  client = await sessionClient();
  client.addEventListener('change', render);
  render();
}

async function attempt(action) {
  $('message').textContent = '';
  try {
    await action();
  } catch (err) {
    $('message').textContent = err.status === 0
      ? `Cannot reach the server (is this extension's origin in its cors.allowed-origins?): ${err.message}`
      : err.message;
  }
}

/** Presence ends first, while the session can still vouch for it. */
async function signOut(how) {
  await reportPresence(client, { leaving: true }).catch(() => {});
  return how();
}

$('server').addEventListener('change', () => attempt(connect));
$('login').addEventListener('click', () => attempt(async () => {
  await connect();
  await client.create($('identity').value.trim(), { rememberMe: $('remember').checked });
}));
$('logout').addEventListener('click', () => attempt(() => signOut(() => client.logout())));
$('logout-all').addEventListener('click', () => attempt(() => signOut(async () => {
  const revoked = await client.logoutAll();
  $('message').textContent = `Logged out everywhere (${revoked} session${revoked === 1 ? '' : 's'} ended).`;
})));
chrome.storage.onChanged.addListener((changes) => 'lastBeat' in changes && showLastBeat());

$('server').value = await serverUrl();
await attempt(async () => {
  client = await sessionClient();
  client.addEventListener('change', render);
  render();
  if (client.session) await client.validate();
});
await showLastBeat();
