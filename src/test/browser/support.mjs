// Shared by the browser tests: where the service is, headless Chromium, the admin API, waiting.
// BrowserTest (JUnit) starts the service and runs `node --test` here with these variables set;
// to run by hand against a running service:
//   BASE_URL=http://127.0.0.1:8080 ADMIN_TOKEN=change-me node --test
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));

export const env = {
  baseUrl: (process.env.BASE_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, ''),
  adminToken: process.env.ADMIN_TOKEN ?? 'test-admin-token',
  chromium: process.env.CHROMIUM ?? '/usr/bin/chromium',
  screenshots: process.env.SCREENSHOT_DIR ?? path.resolve(here, '../../../target/browser-screenshots'),
  extensionDir: process.env.EXTENSION_DIR ?? path.resolve(here, '../../../examples/chrome-extension'),
};

// Without the background-networking flags Chromium's own connections are refused on a closed
// network and slow everything down; --no-sandbox because CI runs as root.
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

function userDataDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'sp-chromium-'));
}

/** A fresh headless Chromium context (own profile). Close it with `context.close()`. */
export async function newContext(extraArgs = []) {
  return chromium.launchPersistentContext(userDataDir(), {
    executablePath: env.chromium,
    headless: true,
    args: [...ARGS, ...extraArgs],
    viewport: { width: 1280, height: 900 },
  });
}

/** Chromium with an unpacked extension loaded (--load-extension works in headless Chromium). */
export async function newContextWithExtension(dir = env.extensionDir) {
  return newContext([`--disable-extensions-except=${dir}`, `--load-extension=${dir}`]);
}

/**
 * A page on the service's own origin, where tests import the real /static modules and call the
 * real API with same-origin fetches: the example page /static/ (it does nothing until signed in).
 * It must really come from the service: Chromium's local-network-access checks block WebSockets
 * to 127.0.0.1 from a page the test would fulfil itself.
 */
export async function pageOnService(context) {
  const page = await context.newPage();
  await page.goto(`${env.baseUrl}/static/`);
  return page;
}

/** Calls the service from Node. Resolves to {status, body, headers}. */
export async function api(method, path, { body, headers = {} } = {}) {
  const res = await fetch(env.baseUrl + path, {
    method,
    headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: json, text, headers: res.headers };
}

export const admin = (method, path) => api(method, path, { headers: { Authorization: `Bearer ${env.adminToken}` } });

/** A live session for `user` (dev identity mode). */
export async function login(user, rememberMe = false) {
  const res = await api('POST', '/api/session/create', { body: { remember_me: rememberMe }, headers: { Authorization: `Bearer dev:${user}` } });
  if (res.status !== 200) throw new Error(`login ${user}: ${res.status} ${res.text}`);
  return res.body;
}

export async function presenceOf(user) {
  const res = await admin('GET', '/admin/presence?limit=1000');
  return res.body.items.filter((p) => p.user === user);
}

export async function sessionsOf(user) {
  const res = await admin('GET', '/admin/sessions?limit=1000');
  return res.body.items.filter((s) => s.user === user);
}

/** Polls `probe` until it returns a truthy value; throws with `what` after `timeoutMs`. */
export async function eventually(what, probe, { timeoutMs = 2_000, intervalMs = 50 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await probe();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Saves a full-page screenshot under target/browser-screenshots/ and returns its path. */
export async function screenshot(page, name) {
  fs.mkdirSync(env.screenshots, { recursive: true });
  const file = path.join(env.screenshots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Collects console errors and uncaught page errors, to assert a page ran cleanly. */
export function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => msg.type() === 'error' && errors.push(`console: ${msg.text()}`));
  return errors;
}
