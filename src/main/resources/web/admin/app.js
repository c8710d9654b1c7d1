/**
 * The admin dashboard: active users and live sessions, kept current by the admin room of the
 * plain WebSocket (/ws: admin:snapshot on joining, then admin:presence:update / :diff and
 * admin:sessions:update), polling the admin API only while the socket is down.
 *
 * Safe against markup in user-controlled fields (user names, pages, user agents): everything is
 * written with textContent, never parsed as HTML; the page's Content-Security-Policy allows no
 * inline script or style. The admin token is kept only in this tab's sessionStorage.
 */
import { RealtimeSocket } from '/static/realtime.js';

const TOKEN_KEY = 'session-presence.admin-token';
const POLL_MS = 5_000;
const LISTING = '?limit=1000';

const $ = (id) => document.getElementById(id);

const state = {
  token: null,
  socket: null,
  pollTimer: null,
  presence: new Map(), // user|ip -> {user, ip, ua, page, lastSeen, verified}
  sessions: new Map(), // session_id -> {session_id, user, ip, ua, created, last_activity, expires_at}
  renderQueued: false,
};

class Unauthorized extends Error {}

// ---- admin API

async function api(method, path) {
  const res = await fetch(path, { method, headers: { Authorization: `Bearer ${state.token}` }, cache: 'no-store' });
  const body = await res.json().catch(() => ({}));
  if (res.status === 401) throw new Unauthorized(body.message ?? 'The admin token was refused');
  if (!res.ok) throw new Error(body.message ?? `HTTP ${res.status}`);
  return body;
}

async function loadOverHttp() {
  const [presence, sessions] = await Promise.all([
    api('GET', `/admin/presence${LISTING}`),
    api('GET', `/admin/sessions${LISTING}`),
  ]);
  applySnapshot({ presence, sessions });
}

// ---- state changes (snapshot, events)

const presenceKey = (p) => `${p.user}|${p.ip}`;

function withoutType({ type, ...rest }) {
  return rest;
}

function applySnapshot(snapshot) {
  state.presence = new Map(snapshot.presence.items.map((p) => [presenceKey(p), p]));
  state.sessions = new Map(snapshot.sessions.items.map((s) => [s.session_id, s]));
  queueRender();
}

function upsertPresence(event) {
  const key = presenceKey(event);
  state.presence.set(key, { ...state.presence.get(key), ...withoutType(event) });
}

function applyPresence(event) {
  if (event.type === 'user_logout' || event.type === 'user_expired') {
    state.presence.delete(presenceKey(event));
  } else {
    upsertPresence(event);
  }
  queueRender();
}

function applyPresenceDiff({ joins = [], updates = [], leaves = [] }) {
  [...joins, ...updates].forEach(upsertPresence);
  leaves.forEach((event) => state.presence.delete(presenceKey(event)));
  queueRender();
}

function applySession(event) {
  const id = event.session_id ?? event.sid;
  switch (event.type) {
    case 'session_created':
      state.sessions.set(id, withoutType(event));
      break;
    case 'session_activity':
      if (state.sessions.has(id)) {
        state.sessions.get(id).last_activity = event.last_activity;
      }
      break;
    case 'session_refreshed':
      if (state.sessions.has(id)) {
        state.sessions.get(id).expires_at = event.expires_at;
      }
      break;
    case 'session_terminated':
    case 'session_expired':
      state.sessions.delete(id);
      break;
    case 'sessions_revoked':
      (event.session_ids ?? []).forEach((sid) => state.sessions.delete(sid));
      break;
    default:
      return;
  }
  queueRender();
}

// ---- actions

async function terminate(session) {
  try {
    await api('DELETE', `/admin/sessions/${encodeURIComponent(session.session_id)}`);
    say(`Session ${shortId(session.session_id)} of ${session.user} terminated.`);
  } catch (err) {
    if (err instanceof Unauthorized) return signOut(err.message);
    say(`Session ${shortId(session.session_id)}: ${err.message}`);
  }
  state.sessions.delete(session.session_id);
  queueRender();
}

async function logOutEverywhere(user) {
  if (!window.confirm(`Log ${user} out everywhere?`)) return;
  try {
    const body = await api('DELETE', `/admin/users/${encodeURIComponent(user)}/sessions`);
    for (const [id, s] of state.sessions) {
      if (s.user === user) state.sessions.delete(id);
    }
    say(`${user} logged out everywhere (${body.revoked} session${body.revoked === 1 ? '' : 's'} ended).`);
    queueRender();
  } catch (err) {
    if (err instanceof Unauthorized) return signOut(err.message);
    say(`Could not log ${user} out: ${err.message}`);
  }
}

// ---- rendering (text only: never innerHTML)

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  if (className) td.className = className;
  return td;
}

function timeCell(ms) {
  const td = cell(relative(ms), 'time');
  if (ms) {
    td.dataset.ts = String(ms);
    td.title = new Date(ms).toLocaleString();
  }
  return td;
}

function actions(...buttons) {
  const td = cell('', 'actions');
  td.append(...buttons);
  return td;
}

function button(label, onClick, className = '') {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.className = className;
  b.addEventListener('click', onClick);
  return b;
}

function relative(ms) {
  if (!ms) return '';
  const seconds = Math.round((ms - Date.now()) / 1000);
  const abs = Math.abs(seconds);
  const [n, unit] = abs < 60 ? [abs, 's'] : abs < 3600 ? [Math.floor(abs / 60), 'min']
    : abs < 86400 ? [Math.floor(abs / 3600), 'h'] : [Math.floor(abs / 86400), 'd'];
  return seconds <= 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
}

function shortId(id) {
  return String(id ?? '').slice(0, 12);
}

function matches(query, ...fields) {
  return !query || fields.some((f) => String(f ?? '').toLowerCase().includes(query));
}

function renderTable(name, items, query, fields, toRow) {
  const shown = items.filter((item) => matches(query, ...fields(item)));
  $(name).tBodies[0].replaceChildren(...shown.map(toRow));
  $(`${name}-count`).textContent = shown.length === items.length ? String(items.length) : `${shown.length} of ${items.length}`;
  document.querySelector(`[data-empty-for="${name}"]`).hidden = shown.length > 0;
}

function presenceRow(p) {
  const tr = document.createElement('tr');
  tr.dataset.user = p.user;
  tr.append(cell(p.user, 'user'), cell(p.page, 'page'), cell(p.ip, 'ip'), cell(p.ua, 'ua'), cell(p.verified ? 'yes' : 'no'),
    timeCell(p.lastSeen), actions(button('Log out everywhere', () => logOutEverywhere(p.user), 'danger')));
  return tr;
}

function sessionRow(s) {
  const tr = document.createElement('tr');
  tr.dataset.sessionId = s.session_id;
  tr.dataset.user = s.user;
  const id = cell(shortId(s.session_id), 'session-id');
  id.title = s.session_id;
  tr.append(cell(s.user, 'user'), id, cell(s.ip, 'ip'), cell(s.ua, 'ua'), timeCell(s.created), timeCell(s.last_activity),
    timeCell(s.expires_at),
    actions(button('Terminate', () => terminate(s), 'danger'), ' ',
      button('Log out everywhere', () => logOutEverywhere(s.user), 'danger')));
  return tr;
}

function render() {
  state.renderQueued = false;
  const query = $('filter').value.trim().toLowerCase();
  const presence = [...state.presence.values()].sort((a, b) => (b.lastSeen ?? 0) - (a.lastSeen ?? 0));
  const sessions = [...state.sessions.values()].sort((a, b) => (b.created ?? 0) - (a.created ?? 0));
  renderTable('presence', presence, query, (p) => [p.user, p.page, p.ip, p.ua], presenceRow);
  renderTable('sessions', sessions, query, (s) => [s.user, s.session_id, s.ip, s.ua], sessionRow);
}

function queueRender() {
  if (state.renderQueued) return;
  state.renderQueued = true;
  requestAnimationFrame(render);
}

function tickTimes() {
  for (const td of document.querySelectorAll('td[data-ts]')) {
    td.textContent = relative(Number(td.dataset.ts));
  }
}

function say(text) {
  $('message').textContent = text;
}

function setLive(live) {
  const badge = $('connection');
  badge.textContent = live ? 'live' : 'offline (polling)';
  badge.classList.toggle('live', live);
}

// ---- connection

function startPolling() {
  if (state.pollTimer !== null) return;
  state.pollTimer = setInterval(() => loadOverHttp().catch((err) => {
    if (err instanceof Unauthorized) signOut(err.message);
  }), POLL_MS);
}

function stopPolling() {
  clearInterval(state.pollTimer);
  state.pollTimer = null;
}

function connect() {
  // The token goes in the first frame, not the URL: proxies log URLs.
  const socket = new RealtimeSocket('/ws', { auth: { token: state.token } });
  socket.on('connect', () => socket.emit('join-room', { room: 'admin' }));
  socket.on('joined_room', () => {
    setLive(true);
    stopPolling();
  });
  socket.on('admin:snapshot', applySnapshot);
  socket.on('admin:presence:update', applyPresence);
  socket.on('admin:presence:diff', applyPresenceDiff);
  socket.on('admin:sessions:update', applySession);
  socket.on('error', (data) => say(data.message ?? 'Realtime error'));
  socket.on('disconnect', () => {
    setLive(false);
    startPolling();
  });
  socket.on('refused', ({ reason }) => signOut(reason || 'The admin token was refused'));
  state.socket = socket;
}

async function open(token) {
  state.token = token;
  try {
    await loadOverHttp();
  } catch (err) {
    if (err instanceof Unauthorized) return signOut(err.message);
    say(`Could not load: ${err.message}`);
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  $('login').hidden = true;
  $('dashboard').hidden = false;
  $('forget-token').hidden = false;
  setLive(false);
  startPolling();
  connect();
}

function signOut(reason) {
  sessionStorage.removeItem(TOKEN_KEY);
  state.socket?.close();
  state.socket = null;
  state.token = null;
  stopPolling();
  $('dashboard').hidden = true;
  $('forget-token').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = reason;
  $('token').value = '';
  $('token').focus();
}

function init() {
  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const token = $('token').value.trim();
    if (token) open(token);
  });
  $('forget-token').addEventListener('click', () => signOut(''));
  $('filter').addEventListener('input', render);
  setInterval(tickTimes, 1_000);
  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) {
    open(saved);
  } else {
    signOut('');
  }
}

init();
