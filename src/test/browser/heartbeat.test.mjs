// /static/heartbeat.js in a real page on the service's origin, against the running service.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { env, eventually, login, newContext, pageOnService, presenceOf } from './support.mjs';

let context;

before(async () => {
  context = await newContext();
});

after(async () => {
  await context?.close();
});

const unique = (name) => `${name}-${Date.now().toString(36)}`;

/**
 * A page running startHeartbeat(options) (functions can't cross into the page, so `page` and
 * `user` are plain values). Every beat is recorded in window.beats with its time.
 */
async function pageWithHeartbeat(options, { before: setup } = {}) {
  const page = await pageOnService(context);
  if (setup) await setup(page);
  await page.evaluate(async (opts) => {
    const { startHeartbeat } = await import('/static/heartbeat.js');
    window.beats = [];
    window.events = [];
    window.heartbeat = startHeartbeat(opts);
    window.heartbeat.addEventListener('beat', (e) => window.beats.push({ ...e.detail, at: performance.now() }));
    for (const type of ['pause', 'resume', 'goodbye', 'unauthorized']) {
      window.heartbeat.addEventListener(type, () => window.events.push(type));
    }
  }, options);
  return page;
}

const beats = (page) => page.evaluate(() => window.beats);
const waitForBeats = (page, n, timeout = 5_000) =>
  page.waitForFunction((count) => window.beats.length >= count, n, { timeout });

/** Lets the test set document.visibilityState (headless pages are always visible). */
async function emulateVisibility(page) {
  await page.evaluate(() => {
    let state = 'visible';
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => state === 'hidden' });
    window.setVisibility = (next) => {
      state = next;
      document.dispatchEvent(new Event('visibilitychange'));
    };
  });
}

test('jittered: waits spread over interval ± jitter, first beat within startJitterMs', async () => {
  const user = unique('jitter');
  const page = await pageWithHeartbeat({ user, page: '/jitter', intervalMs: 300, jitter: 0.5, startJitterMs: 0 });
  await waitForBeats(page, 7);
  const seen = await beats(page);
  await page.evaluate(() => window.heartbeat.stop());
  assert.ok(seen.every((b) => b.ok && b.transport === 'http'), JSON.stringify(seen));
  // Each beat waits the delay the previous one drew (the gap adds the request's own latency).
  const delays = seen.map((b) => b.delayMs);
  for (const d of delays) assert.ok(d >= 150 && d <= 450, `delay ${d} outside 300 ± 50 %`);
  seen.slice(1, 7).forEach((b, i) => {
    const gap = b.at - seen[i].at;
    assert.ok(gap >= delays[i] - 15 && gap <= delays[i] + 1_000, `gap ${gap} for a delay of ${delays[i]}`);
  });
  assert.ok(Math.max(...delays) - Math.min(...delays) > 30, `delays not spread: ${delays}`);
  const [entry] = await presenceOf(user);
  assert.equal(entry.page, '/jitter');

  const computed = await page.evaluate(async () => {
    const { jittered, backoffDelay } = await import('/static/backoff.js');
    return [jittered(30_000, 0.2, () => 0), jittered(30_000, 0.2, () => 1), backoffDelay(3, 1_000, 60_000, () => 0),
      backoffDelay(3, 1_000, 60_000, () => 1), backoffDelay(20, 1_000, 60_000, () => 1)];
  });
  assert.deepEqual(computed, [24_000, 36_000, 4_000, 8_000, 60_000]);

  // The first beat comes at random() * startJitterMs: here 0.75 * 400 = 300 ms after the start.
  const started = await pageWithHeartbeat({ user, page: '/start', intervalMs: 60_000, startJitterMs: 400, random: undefined },
    { before: (p) => p.evaluate(() => { Math.random = () => 0.75; window.t0 = performance.now(); }) });
  await waitForBeats(started, 1);
  const first = (await beats(started))[0].at - (await started.evaluate(() => window.t0));
  assert.ok(first >= 280 && first < 1_000, `first beat after ${first} ms`);
  await Promise.all([page.close(), started.close()]);
});

test('pauses while the tab is hidden and beats at once when it is visible again', async () => {
  const user = unique('visibility');
  const page = await pageWithHeartbeat({ user, page: '/vis', intervalMs: 1_000, jitter: 0.1, startJitterMs: 0 },
    { before: emulateVisibility });
  await waitForBeats(page, 1);
  await page.evaluate(() => window.setVisibility('hidden'));
  await page.waitForTimeout(100);
  const whileHidden = (await beats(page)).length;
  await page.waitForTimeout(2_500);
  assert.equal((await beats(page)).length, whileHidden, 'no beats while hidden (2 were due)');

  const shownAt = await page.evaluate(() => {
    window.setVisibility('visible');
    return performance.now();
  });
  await waitForBeats(page, whileHidden + 1, 2_000);
  const next = (await beats(page))[whileHidden];
  assert.ok(next.at - shownAt < 600, `beat ${next.at - shownAt} ms after becoming visible (next was due in 900+ ms)`);
  assert.deepEqual(await page.evaluate(() => window.events), ['pause', 'resume']);
  await page.close();
});

test('backs off on failure (and honours Retry-After), back to the interval after a success', async () => {
  const user = unique('backoff');
  let failing = true;
  const page = await pageOnService(context);
  await page.route(`${env.baseUrl}/api/heartbeat`, (route) => (failing
    ? route.fulfill({ status: 503, contentType: 'application/json', body: '{"status":"error"}' })
    : route.continue()));
  await page.evaluate(async (u) => {
    const { startHeartbeat } = await import('/static/heartbeat.js');
    window.beats = [];
    window.heartbeat = startHeartbeat({ user: u, page: '/b', intervalMs: 100, jitter: 0, startJitterMs: 0, maxBackoffMs: 10_000 });
    window.heartbeat.addEventListener('beat', (e) => window.beats.push(e.detail));
  }, user);
  await waitForBeats(page, 3);
  failing = false;
  await waitForBeats(page, 5);
  const seen = await beats(page);
  // failure n waits between half and all of 100 * 2^n ms
  [[100, 200], [200, 400], [400, 800]].forEach(([lo, hi], i) => {
    assert.equal(seen[i].ok, false);
    assert.equal(seen[i].status, 503);
    assert.ok(seen[i].delayMs >= lo && seen[i].delayMs <= hi, `failure ${i + 1}: ${seen[i].delayMs}`);
  });
  const recovered = seen.find((b) => b.ok);
  assert.equal(recovered.delayMs, 100, 'after a success, the plain interval again');
  assert.equal(await page.evaluate(() => window.heartbeat.failures), 0);
  await page.evaluate(() => window.heartbeat.stop());

  await page.unroute(`${env.baseUrl}/api/heartbeat`);
  await page.route(`${env.baseUrl}/api/heartbeat`, (route) => route.fulfill({ status: 503, headers: { 'Retry-After': '7' }, body: '{}' }));
  const retryAfter = await page.evaluate(async (u) => {
    const { startHeartbeat } = await import('/static/heartbeat.js');
    const hb = startHeartbeat({ user: u, intervalMs: 100, startJitterMs: 0 });
    const detail = await new Promise((resolve) => hb.addEventListener('beat', (e) => resolve(e.detail)));
    hb.stop();
    return detail.delayMs;
  }, user);
  assert.ok(retryAfter >= 7_000, `Retry-After 7 s respected: ${retryAfter}`);

  await page.unroute(`${env.baseUrl}/api/heartbeat`);
  await page.route(`${env.baseUrl}/api/heartbeat`, (route) => route.abort('connectionrefused'));
  const offline = await page.evaluate(async (u) => {
    const { startHeartbeat } = await import('/static/heartbeat.js');
    const hb = startHeartbeat({ user: u, intervalMs: 100, startJitterMs: 0 });
    const detail = await new Promise((resolve) => hb.addEventListener('beat', (e) => resolve(e.detail)));
    hb.stop();
    return detail;
  }, user);
  assert.equal(offline.ok, false);
  assert.equal(offline.status, 0);
  await page.close();
});

test('uses the socket while it is connected and HTTP when it is down', async () => {
  const user = unique('socket');
  const page = await pageOnService(context);
  const httpBeats = [];
  page.on('request', (req) => req.url().endsWith('/api/heartbeat') && httpBeats.push(req.postDataJSON()));
  await page.evaluate(async (u) => {
    const { RealtimeSocket } = await import('/static/realtime.js');
    const { startHeartbeat } = await import('/static/heartbeat.js');
    window.socket = new RealtimeSocket('/ws');
    await new Promise((resolve) => window.socket.on('connect', resolve));
    window.beats = [];
    window.heartbeat = startHeartbeat({ user: u, page: '/over-socket', socket: window.socket, intervalMs: 200, jitter: 0, startJitterMs: 0 });
    window.heartbeat.addEventListener('beat', (e) => window.beats.push(e.detail));
  }, user);
  await waitForBeats(page, 2);
  assert.deepEqual((await beats(page)).map((b) => b.transport), ['socket', 'socket']);
  assert.equal(httpBeats.length, 0);
  await eventually('the socket beat stored', async () => (await presenceOf(user))[0]?.page === '/over-socket');

  // The socket goes down: the next beats go over HTTP.
  const before = (await beats(page)).length;
  await page.evaluate(() => window.socket.close());
  await waitForBeats(page, before + 2);
  const after = (await beats(page)).slice(before);
  assert.deepEqual(after.map((b) => [b.transport, b.ok]), [['http', true], ['http', true]]);
  assert.ok(httpBeats.length >= 2);
  assert.equal(httpBeats[0].user, user);

  // A socket that says it is connected but fails to send: HTTP too.
  const fallback = await page.evaluate(async (u) => {
    const { startHeartbeat } = await import('/static/heartbeat.js');
    const broken = { connected: true, emit() { throw new Error('gone'); } };
    const hb = startHeartbeat({ user: u, socket: broken, intervalMs: 60_000, startJitterMs: 0 });
    const detail = await new Promise((resolve) => hb.addEventListener('beat', (e) => resolve(e.detail)));
    hb.stop();
    return detail;
  }, user);
  assert.deepEqual([fallback.transport, fallback.ok], ['http', true]);
  await page.evaluate(() => window.heartbeat.stop());
  await page.close();
});

test('says goodbye with sendBeacon on page hide: presence ends at once, with or without a session', async () => {
  const anonymous = unique('bye-anon');
  const verified = unique('bye-session');
  const { session_token: token } = await login(verified);
  const pages = [
    await pageWithHeartbeat({ user: anonymous, page: '/bye', startJitterMs: 0 }),
    await pageWithHeartbeat({ sessionToken: token, page: '/bye', startJitterMs: 0 }),
  ];
  await Promise.all(pages.map((p) => waitForBeats(p, 1)));
  assert.equal((await presenceOf(anonymous)).length, 1);
  assert.equal((await presenceOf(verified))[0].verified, true);
  // Record sendBeacon calls where they survive the navigation: this tab's sessionStorage.
  await Promise.all(pages.map((p) => p.evaluate(() => {
    const send = navigator.sendBeacon.bind(navigator);
    navigator.sendBeacon = (url, data) => {
      const sent = send(url, data);
      sessionStorage.setItem('beacon', JSON.stringify({ url, type: data.type, sent }));
      return sent;
    };
  })));
  await Promise.all(pages.map((p) => p.goto(`${env.baseUrl}/static/?next`)));
  await eventually('both presence entries gone', async () =>
    (await presenceOf(anonymous)).length === 0 && (await presenceOf(verified)).length === 0);
  for (const p of pages) {
    const beacon = JSON.parse(await p.evaluate(() => sessionStorage.getItem('beacon')));
    assert.deepEqual(beacon, { url: '/api/heartbeat', type: 'text/plain;charset=utf-8', sent: true });
  }
  await Promise.all(pages.map((p) => p.close()));
});

test('another open tab of the same user beats within a second after one says goodbye', async () => {
  const user = unique('two-tabs');
  const options = { user, page: '/tabs', intervalMs: 60_000, startJitterMs: 0 };
  const [leaving, staying] = [await pageWithHeartbeat(options), await pageWithHeartbeat(options)];
  await Promise.all([waitForBeats(leaving, 1), waitForBeats(staying, 1)]);
  await leaving.goto('about:blank');
  await waitForBeats(staying, 2, 2_000);
  await eventually('present again', async () => (await presenceOf(user)).length === 1);
  await Promise.all([leaving.close(), staying.close()]);
});
