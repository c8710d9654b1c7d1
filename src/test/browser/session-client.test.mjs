// /static/session-client.js in a real page on the service's origin, against the running service,
// and the example page /static/ that uses it with heartbeat.js.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { admin, eventually, newContext, pageOnService, presenceOf, sessionsOf } from './support.mjs';

let context;
let page;

before(async () => {
  context = await newContext();
  page = await pageOnService(context);
});

after(async () => {
  await context?.close();
});

const unique = (name) => `${name}-${Date.now().toString(36)}`;

test('create (remember me or not), validate, list and revoke, against the service', async () => {
  const user = unique('sc-user');
  const result = await page.evaluate(async (u) => {
    const { SessionClient, memoryStore, STORE_KEY } = await import('/static/session-client.js');
    const remembered = new SessionClient();
    const changes = [];
    remembered.addEventListener('change', (e) => changes.push(e.detail?.userId ?? null));
    const created = await remembered.create(`dev:${u}`, { rememberMe: true });
    const storedRemembered = { local: localStorage.getItem(STORE_KEY), tab: sessionStorage.getItem(STORE_KEY) };

    const reloaded = new SessionClient();
    const loaded = await reloaded.load();

    const other = new SessionClient({ store: memoryStore() });
    await other.create(`dev:${u}`);
    let expired = 0;
    other.addEventListener('expired', () => { expired += 1; });

    const valid = await remembered.validate();
    const listed = await remembered.list();
    const revoked = await remembered.revoke(other.session.sessionId);
    const otherValid = await other.validate();
    const afterRevoke = await remembered.list();

    const plain = new SessionClient();
    await plain.create(`dev:${u}`);
    const storedPlain = { local: localStorage.getItem(STORE_KEY), tab: JSON.parse(sessionStorage.getItem(STORE_KEY)).rememberMe };
    await plain.logout();
    return {
      created, storedRemembered, loaded, changes, headers: remembered.authHeaders(), valid,
      listed, revoked, otherValid, expired, otherSession: other.session, afterRevoke, storedPlain,
      afterLogout: { local: localStorage.getItem(STORE_KEY), tab: sessionStorage.getItem(STORE_KEY), session: plain.session },
    };
  }, user);

  assert.equal(result.created.userId, user);
  assert.equal(result.created.rememberMe, true);
  assert.match(result.created.token, /^sps_/);
  assert.ok(result.created.expiresAt > Date.now() + 24 * 3600_000, 'remember me: the long lifetime');
  assert.equal(JSON.parse(result.storedRemembered.local).sessionId, result.created.sessionId, 'remember me: localStorage');
  assert.equal(result.storedRemembered.tab, null);
  assert.equal(result.loaded.sessionId, result.created.sessionId, 'a new client finds the kept session');
  assert.deepEqual(result.changes, [user]);
  assert.deepEqual(result.headers, { 'X-Session-Token': result.created.token });
  assert.equal(result.valid, true);

  assert.equal(result.listed.length, 2);
  assert.equal(result.listed.filter((s) => s.current).length, 1);
  assert.equal(result.listed.find((s) => s.current).session_id, result.created.sessionId);
  assert.equal(result.revoked.current, false);
  assert.equal(result.otherValid, false, 'the revoked session no longer validates');
  assert.equal(result.expired, 1, 'and its client heard it expired');
  assert.equal(result.otherSession, null);
  assert.deepEqual(result.afterRevoke.map((s) => s.session_id), [result.created.sessionId]);

  // One kept session per origin: a new sign-in replaces it, in the storage its remember-me picks.
  assert.deepEqual(result.storedPlain, { local: null, tab: false }, 'without remember me: sessionStorage');
  assert.deepEqual(result.afterLogout, { local: null, tab: null, session: null });
  assert.deepEqual((await sessionsOf(user)).map((s) => s.session_id), [result.created.sessionId]);
});

test('logout-all ends every session of the user, and a bad identity token is a 401', async () => {
  const user = unique('sc-all');
  const result = await page.evaluate(async (u) => {
    const { SessionClient, SessionError, memoryStore } = await import('/static/session-client.js');
    const clients = [new SessionClient({ store: memoryStore() }), new SessionClient({ store: memoryStore() })];
    for (const c of clients) await c.create(`dev:${u}`);
    const revoked = await clients[0].logoutAll();
    const secondValid = await clients[1].validate();
    let error = null;
    try {
      await new SessionClient({ store: memoryStore() }).create('not-a-valid-identity');
    } catch (e) {
      error = { isSessionError: e instanceof SessionError, status: e.status, message: e.message };
    }
    return { revoked, first: clients[0].session, secondValid, error };
  }, user);
  assert.equal(result.revoked, 2);
  assert.equal(result.first, null);
  assert.equal(result.secondValid, false);
  assert.deepEqual(await sessionsOf(user), []);
  assert.equal(result.error.isSessionError, true);
  assert.equal(result.error.status, 401);
  assert.match(result.error.message, /identity/i);
});

test('a session revoked by an admin is noticed: expired event, storage cleared', async () => {
  const user = unique('sc-admin');
  const sessionId = await page.evaluate(async (u) => {
    const { SessionClient } = await import('/static/session-client.js');
    window.client = new SessionClient();
    window.expiredEvents = 0;
    window.client.addEventListener('expired', () => { window.expiredEvents += 1; });
    return (await window.client.create(`dev:${u}`)).sessionId;
  }, user);
  assert.equal((await admin('DELETE', `/admin/sessions/${sessionId}`)).status, 200);
  const after = await page.evaluate(async () => ({
    valid: await window.client.validate(),
    expired: window.expiredEvents,
    stored: sessionStorage.getItem('session-presence.session'),
  }));
  assert.deepEqual(after, { valid: false, expired: 1, stored: null });
});

test('refreshes before expiry (auto refresh on a fake clock)', async () => {
  const clockPage = await context.newPage();
  await clockPage.clock.install();
  await clockPage.goto(page.url());
  const user = unique('sc-refresh');
  const before = await clockPage.evaluate(async (u) => {
    const { SessionClient, memoryStore } = await import('/static/session-client.js');
    window.client = new SessionClient({ store: memoryStore(), refreshMarginMs: 5 * 60_000 });
    window.refreshes = [];
    window.client.addEventListener('refreshed', (e) => window.refreshes.push(e.detail.expiresAt));
    const s = await window.client.create(`dev:${u}`);
    window.client.startAutoRefresh();
    return { expiresAt: s.expiresAt, dueAt: window.client.refreshDueAt(), now: Date.now() };
  }, user);
  // 1 h session, 5 min margin: due 55 min from now.
  assert.ok(Math.abs(before.dueAt - (before.expiresAt - 5 * 60_000)) < 1);
  await clockPage.clock.fastForward('54:00');
  assert.deepEqual(await clockPage.evaluate(() => window.refreshes), [], 'not yet');
  await clockPage.clock.fastForward('02:00');
  const refreshed = await eventually('the refresh', () => clockPage.evaluate(() => window.refreshes[0]));
  assert.ok(refreshed > before.expiresAt, 'the server extended it');
  const [live] = await sessionsOf(user);
  assert.equal(live.expires_at, refreshed);
  await clockPage.evaluate(() => window.client.stopAutoRefresh());
  await clockPage.close();
});

test('the example page signs in, beats over the socket, lists sessions and logs out everywhere', async () => {
  const user = unique('demo-user');
  const demo = await context.newPage();
  await demo.goto(page.url());
  await demo.evaluate(() => { sessionStorage.clear(); localStorage.clear(); });
  await demo.reload();
  await demo.fill('#identity', `dev:${user}`);
  await demo.click('#sign-in button[type=submit]');
  await demo.locator('#user', { hasText: user }).waitFor({ timeout: 2_000 });
  await demo.locator('#my-sessions tbody tr').first().waitFor({ timeout: 2_000 });
  await demo.locator('#status', { hasText: /sent over (socket|http)/ }).waitFor({ timeout: 3_000 });
  const [entry] = await eventually('verified presence', async () => {
    const found = await presenceOf(user);
    return found.length === 1 && found[0].verified && found;
  });
  assert.equal(entry.page, '/static/');
  await demo.click('#logout-all');
  await demo.locator('#sign-in').waitFor({ state: 'visible', timeout: 2_000 });
  assert.deepEqual(await sessionsOf(user), []);
  await eventually('presence ended by the goodbye', async () => (await presenceOf(user)).length === 0);
  await demo.close();
});
