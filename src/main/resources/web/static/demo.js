// The example behind /static/index.html: sign in with session-client.js, then report presence with
// heartbeat.js over the WebSocket (realtime.js) when it is connected, HTTP otherwise.
import { SessionClient } from './session-client.js';
import { startHeartbeat } from './heartbeat.js';
import { RealtimeSocket } from './realtime.js';

const $ = (id) => document.getElementById(id);
const client = new SessionClient();
let heartbeat = null;
let socket = null;

function startPresence() {
  client.startAutoRefresh();
  // Read at each (re)connection; in the first frame, never in the URL.
  socket = new RealtimeSocket('/ws', { auth: () => ({ session_token: client.session?.token }) });
  heartbeat = startHeartbeat({ sessionToken: () => client.session?.token, socket });
  heartbeat.addEventListener('beat', ({ detail }) => {
    $('status').textContent = `Heartbeat: ${detail.ok ? 'sent' : 'failed'} over ${detail.transport}; `
      + `next in ${Math.round(detail.delayMs / 1000)} s.`;
  });
}

/** Ends presence; `leave` first tells the server (while the session is still valid). */
async function stopPresence({ leave = false } = {}) {
  const stopping = heartbeat;
  heartbeat = null;
  if (leave) {
    await stopping?.leave();
  } else {
    stopping?.stop();
  }
  socket?.close();
  socket = null;
  $('status').textContent = 'Heartbeat: stopped.';
}

async function showSessions() {
  const rows = (await client.list()).map((s) => {
    const tr = document.createElement('tr');
    const revoke = document.createElement('button');
    revoke.textContent = s.current ? 'Revoke (this one)' : 'Revoke';
    revoke.addEventListener('click', () => client.revoke(s.session_id).then(() => client.session && showSessions()));
    for (const text of [s.session_id.slice(0, 12), s.user_agent, new Date(s.created).toLocaleString(),
      new Date(s.expires_at).toLocaleString()]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    const actions = document.createElement('td');
    actions.append(revoke);
    tr.append(actions);
    return tr;
  });
  $('my-sessions').tBodies[0].replaceChildren(...rows);
}

client.addEventListener('change', ({ detail: session }) => {
  $('sign-in').hidden = Boolean(session);
  $('signed-in').hidden = !session;
  if (session) {
    $('user').textContent = session.userId;
    $('session-id').textContent = session.sessionId.slice(0, 12);
    $('expires').textContent = new Date(session.expiresAt).toLocaleString();
  } else if (heartbeat) {
    stopPresence();
  }
});

$('sign-in').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    await client.create($('identity').value.trim(), { rememberMe: $('remember').checked });
    startPresence();
    await showSessions();
  } catch (err) {
    $('status').textContent = `Sign-in failed: ${err.message}`;
  }
});
$('logout').addEventListener('click', () => stopPresence({ leave: true }).then(() => client.logout()));
$('logout-all').addEventListener('click', () => stopPresence({ leave: true }).then(() => client.logoutAll()));

if (await client.load() && await client.validate()) {
  startPresence();
  await showSessions();
}
