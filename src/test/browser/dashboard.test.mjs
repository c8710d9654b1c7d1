// The admin dashboard (/admin/) in headless Chromium against the running service.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { admin, api, env, login, newContext, screenshot, sessionsOf, watchErrors } from './support.mjs';

let context;
let page;
let errors;
const sockets = []; // {url, sent: [frame payloads]} of every WebSocket the page opens

before(async () => {
  context = await newContext();
  page = await context.newPage();
  errors = watchErrors(page);
  page.on('dialog', (dialog) => dialog.accept());
  page.on('websocket', (ws) => {
    const socket = { url: ws.url(), sent: [] };
    sockets.push(socket);
    ws.on('framesent', ({ payload }) => socket.sent.push(String(payload)));
  });
});

after(async () => {
  await context?.close();
});

const unique = (name) => `${name}-${Date.now().toString(36)}`;
const presenceRow = (user) => page.locator('#presence tbody tr').filter({ has: page.locator('td.user', { hasText: user }) });
const sessionRow = (id) => page.locator(`#sessions tbody tr[data-session-id="${id}"]`);

test('asks for the admin token, refuses a wrong one, keeps the right one only in session storage', async () => {
  const response = await page.goto(`${env.baseUrl}/admin/`);
  const csp = response.headers()['content-security-policy'];
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /style-src 'self'(;|$)/);
  assert.doesNotMatch(csp, /unsafe/);

  await page.fill('#token', 'not-the-token');
  await page.click('#token-form button[type=submit]');
  await page.locator('#login-error').filter({ hasText: /Admin credential required/ }).waitFor({ timeout: 2_000 });
  assert.equal(await page.isVisible('#dashboard'), false);

  await page.fill('#token', env.adminToken);
  await page.click('#token-form button[type=submit]');
  await page.locator('#connection', { hasText: /^live$/ }).waitFor({ timeout: 5_000 });
  const stored = await page.evaluate(() => ({
    session: { ...sessionStorage },
    local: { ...localStorage },
    cookies: document.cookie,
  }));
  assert.deepEqual(Object.values(stored.session), [env.adminToken]);
  assert.deepEqual(stored.local, {});
  assert.equal(stored.cookies, '');

  // The token travels in the socket's first frame, never in its URL (proxies log URLs).
  assert.ok(sockets.length > 0, 'the dashboard opened its socket');
  for (const socket of sockets) {
    assert.equal(new URL(socket.url).pathname, '/ws');
    assert.equal(new URL(socket.url).search, '', socket.url);
    assert.ok(!socket.url.includes(env.adminToken), socket.url);
  }
  const live = sockets.at(-1);
  assert.deepEqual(JSON.parse(live.sent[0]), { event: 'auth', data: { token: env.adminToken } });
});

test('a heartbeat posted over HTTP appears in the table within 2 s', async () => {
  const user = unique('hb-user');
  const started = Date.now();
  const res = await api('POST', '/api/heartbeat', { body: { user, page: '/pricing' } });
  assert.equal(res.status, 200);
  await presenceRow(user).waitFor({ timeout: 2_000 });
  const elapsed = Date.now() - started;
  assert.equal(await presenceRow(user).locator('td.page').textContent(), '/pricing');
  assert.ok(elapsed < 2_000, `shown after ${elapsed} ms`);
  console.log(`# heartbeat shown on the dashboard after ${elapsed} ms`);
});

test('terminates a session from the page', async () => {
  const user = unique('term-user');
  const created = await login(user);
  await sessionRow(created.session_id).waitFor({ timeout: 2_000 });
  await sessionRow(created.session_id).getByRole('button', { name: 'Terminate' }).click();
  await sessionRow(created.session_id).waitFor({ state: 'detached', timeout: 2_000 });
  await page.locator('#message', { hasText: 'terminated' }).waitFor({ timeout: 2_000 });
  const check = await api('GET', '/api/session/validate', { headers: { 'X-Session-Token': created.session_token } });
  assert.equal(check.status, 401, 'the terminated session no longer validates');
  assert.deepEqual(await sessionsOf(user), []);
});

test('logs a user out everywhere', async () => {
  const user = unique('everywhere');
  const first = await login(user);
  const second = await login(user, true);
  const other = await login(unique('bystander'));
  await api('POST', '/api/heartbeat', { body: { page: '/home' }, headers: { 'X-Session-Token': first.session_token } });
  await presenceRow(user).waitFor({ timeout: 2_000 });
  await sessionRow(second.session_id).waitFor({ timeout: 2_000 });

  await presenceRow(user).getByRole('button', { name: 'Log out everywhere' }).click();
  await page.locator('#message', { hasText: `${user} logged out everywhere (2 sessions ended).` }).waitFor({ timeout: 2_000 });
  await sessionRow(first.session_id).waitFor({ state: 'detached', timeout: 2_000 });
  await sessionRow(second.session_id).waitFor({ state: 'detached', timeout: 2_000 });
  for (const s of [first, second]) {
    const check = await api('GET', '/api/session/validate', { headers: { 'X-Session-Token': s.session_token } });
    assert.equal(check.status, 401);
  }
  assert.equal(await sessionRow(other.session_id).count(), 1, "other users' sessions stay");
});

test('filters users and sessions as you type', async () => {
  const user = unique('findme');
  await api('POST', '/api/heartbeat', { body: { user, page: '/filter' } });
  await presenceRow(user).waitFor({ timeout: 2_000 });
  await page.fill('#filter', user);
  await page.waitForFunction(() => document.querySelectorAll('#presence tbody tr').length === 1);
  assert.match(await page.textContent('#presence-count'), /^1 of \d+$/);
  assert.equal(await page.isVisible('[data-empty-for="sessions"]'), true);
  await page.fill('#filter', '');
});

test('markup in user names, pages and user agents shows as text and runs nothing', async () => {
  const markup = `<img src=x onerror="window.__xss=(window.__xss||0)+1">${Date.now()}`;
  const res = await api('POST', '/api/heartbeat', { body: { user: markup, page: markup }, headers: { 'User-Agent': markup } });
  assert.equal(res.status, 200);
  const created = await login(markup);
  await presenceRow(markup).waitFor({ timeout: 2_000 });
  await sessionRow(created.session_id).waitFor({ timeout: 2_000 });

  const row = presenceRow(markup);
  assert.equal(await row.locator('td.user').textContent(), markup);
  assert.equal(await row.locator('td.page').textContent(), markup);
  assert.equal(await row.locator('td.ua').textContent(), markup);
  assert.equal(await sessionRow(created.session_id).locator('td.user').textContent(), markup);
  assert.equal(await page.locator('main img').count(), 0, 'no element was created from the markup');
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'no handler ran');

  const file = await screenshot(page, 'admin-dashboard');
  console.log(`# screenshot: ${file}`);
  await admin('DELETE', `/admin/users/${encodeURIComponent(markup)}/sessions`);
});

test('the page ran without script errors or CSP violations', () => {
  const real = errors.filter((e) => !/Failed to load resource: the server responded with a status of 401/.test(e));
  assert.deepEqual(real, []);
});
