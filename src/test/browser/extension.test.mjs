// The example Chrome extension (examples/chrome-extension), loaded unpacked with --load-extension
// into headless Chromium: its popup logs in / out / out everywhere against the service (CORS for
// its chrome-extension:// origin, no host permissions), its background worker beats on an alarm.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, env, eventually, login, newContextWithExtension, presenceOf, screenshot, sessionsOf, watchErrors } from './support.mjs';

let context;
let worker;
let extensionId;
let popup;
let errors;
const user = `ext-user-${Date.now().toString(36)}`;

before(async () => {
  context = await newContextWithExtension(env.extensionDir);
  worker = context.serviceWorkers()[0] ?? await context.waitForEvent('serviceworker', { timeout: 10_000 });
  extensionId = new URL(worker.url()).host;
  popup = await context.newPage();
  errors = watchErrors(popup);
  await popup.setViewportSize({ width: 380, height: 320 });
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
});

after(async () => {
  await context?.close();
});

const storage = (key) => worker.evaluate(async (k) => (await chrome.storage.local.get(k))[k], key);
const alarm = () => worker.evaluate(() => chrome.alarms.get('heartbeat'));

test('the extension is loaded, with the id the service allows', async () => {
  assert.match(worker.url(), /^chrome-extension:\/\/[a-p]{32}\/background\.js$/);
  if (process.env.EXTENSION_ID) assert.equal(extensionId, process.env.EXTENSION_ID);
  await popup.locator('#signed-out').waitFor({ state: 'visible', timeout: 5_000 });
});

test('the popup logs in with remember me; the background beats at once and keeps an alarm', async () => {
  const origins = [];
  context.on('request', (req) => req.url().startsWith(env.baseUrl) && origins.push(req.headers().origin));
  await popup.fill('#server', env.baseUrl);
  await popup.fill('#identity', `dev:${user}`);
  await popup.check('#remember');
  await popup.click('#login');
  await popup.locator('#state', { hasText: `Signed in as ${user}` }).waitFor({ timeout: 3_000 });
  assert.match(await popup.textContent('#state'), /remembered/);
  const [session] = await sessionsOf(user);
  assert.equal(session.remember_me, true);
  assert.equal((await storage('session-presence.session')).sessionId, session.session_id);
  assert.ok(origins.includes(`chrome-extension://${extensionId}`), 'cross-origin calls from the extension origin');

  const [entry] = await eventually('presence from the background', async () => {
    const found = await presenceOf(user);
    return found.length === 1 && found;
  });
  assert.equal(entry.verified, true);
  assert.equal(entry.page, 'chrome-extension');
  const scheduled = await eventually('the alarm', alarm);
  assert.equal(scheduled.periodInMinutes, 0.5);
  await popup.locator('#last-beat', { hasText: 'HTTP 200' }).waitFor({ timeout: 2_000 });
  console.log(`# screenshot: ${await screenshot(popup, 'extension-popup')}`);
});

test('each alarm beats again (here fired at once: unpacked extensions may run alarms early)', async () => {
  const { token } = await storage('session-presence.session');
  const bye = await api('POST', '/api/heartbeat', { body: { leaving: true }, headers: { 'X-Session-Token': token } });
  assert.equal(bye.status, 200);
  assert.equal((await presenceOf(user)).length, 0);
  await worker.evaluate(() => chrome.alarms.create('heartbeat', { when: Date.now() }));
  await eventually('presence again', async () => (await presenceOf(user)).length === 1, { timeoutMs: 5_000 });
  const rescheduled = await eventually('the periodic alarm again', async () => (await alarm())?.periodInMinutes === 0.5);
  assert.ok(rescheduled);
});

test('log out everywhere ends every session of the user, and presence, and the alarm', async () => {
  const elsewhere = await login(user);
  await popup.click('#logout-all');
  await popup.locator('#message', { hasText: 'Logged out everywhere (2 sessions ended).' }).waitFor({ timeout: 3_000 });
  assert.equal(await popup.isVisible('#signed-out'), true);
  assert.deepEqual(await sessionsOf(user), []);
  const check = await api('GET', '/api/session/validate', { headers: { 'X-Session-Token': elsewhere.session_token } });
  assert.equal(check.status, 401);
  assert.equal((await presenceOf(user)).length, 0);
  assert.equal(await storage('session-presence.session'), undefined);
  await eventually('no alarm', async () => (await alarm()) === undefined);
});

test('log in again and log out: only that session ends', async () => {
  const elsewhere = await login(user);
  await popup.click('#login');
  await popup.locator('#state', { hasText: `Signed in as ${user}` }).waitFor({ timeout: 3_000 });
  await popup.click('#logout');
  await popup.locator('#signed-out').waitFor({ state: 'visible', timeout: 3_000 });
  assert.deepEqual((await sessionsOf(user)).map((s) => s.session_id), [elsewhere.session_id]);
  assert.deepEqual(errors, []);
});
