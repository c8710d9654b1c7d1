// The realtime API with the stock socket.io-client (pinned in package-lock.json), against a
// running service. Run by RealtimeNodeClientTest: BASE_URL and ADMIN_TOKEN come from the environment.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { once, connected } from "./sockets.mjs";

const BASE_URL = process.env.BASE_URL;
const ADMIN_TOKEN = process.env.ADMIN_TOKEN;
assert.ok(BASE_URL && ADMIN_TOKEN, "BASE_URL and ADMIN_TOKEN must be set");

const sockets = [];
after(() => sockets.forEach((s) => s.close()));

function connect(options = {}) {
  const socket = io(BASE_URL, { reconnection: false, timeout: 5000, ...options });
  sockets.push(socket);
  return socket;
}

async function admin(options = {}) {
  const socket = await connected(connect({ auth: { token: ADMIN_TOKEN }, ...options }));
  const snapshot = once(socket, "admin:snapshot");
  const joined = once(socket, "joined_room");
  const ack = await socket.timeout(5000).emitWithAck("join-room", { room: "admin" });
  assert.deepEqual(ack, { ok: true, room: "admin" });
  assert.deepEqual(await joined, { room: "admin" });
  const state = await snapshot;
  assert.ok(Array.isArray(state.presence.items) && typeof state.presence.count === "number");
  assert.ok(Array.isArray(state.sessions.items) && typeof state.sessions.count === "number");
  return socket;
}

const presenceOf = (user) => (data) => data.user === user;

async function httpPost(path, body, headers = {}) {
  const response = await fetch(BASE_URL + path, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

test("websocket transport: admin sees socket and HTTP heartbeats, with acks", async () => {
  const watcher = await admin({ transports: ["websocket"] });
  assert.equal(watcher.io.engine.transport.name, "websocket");
  const user = await connected(connect({ transports: ["websocket"] }));

  const seen = once(watcher, "admin:presence:update", presenceOf("node-ws-user"));
  const ack = await user.timeout(5000).emitWithAck("user:heartbeat", { user: "node-ws-user", page: "/ws-page" });
  assert.deepEqual(ack, { ok: true, user: "node-ws-user", verified: false });
  const event = await seen;
  assert.equal(event.type, "user_activity");
  assert.equal(event.page, "/ws-page");
  assert.ok(event.lastSeen > 0 && event.ip && "ua" in event);

  const viaHttp = once(watcher, "admin:presence:update", presenceOf("node-http-user"));
  assert.equal((await httpPost("/api/heartbeat", { user: "node-http-user", page: "/h" })).status, 200);
  assert.equal((await viaHttp).type, "user_activity");

  const login = once(watcher, "admin:presence:update", (d) => d.user === "node-ws-user" && d.type === "user_login");
  user.emit("user:login", { user: "node-ws-user" });
  await login;
  const logout = once(watcher, "admin:presence:update", (d) => d.user === "node-ws-user" && d.type === "user_logout");
  user.emit("user:logout", { user: "node-ws-user" });
  await logout;
});

test("default options: long-polling first, then the upgrade to websocket", async () => {
  const user = connect();
  const transports = [];
  const upgraded = new Promise((resolve) => user.io.on("open", () => {
    transports.push(user.io.engine.transport.name);
    user.io.engine.on("upgrade", (transport) => resolve(transports.push(transport.name)));
  }));
  await connected(user);
  await upgraded;
  assert.deepEqual(transports, ["polling", "websocket"]);

  const watcher = await admin();
  const seen = once(watcher, "admin:presence:update", presenceOf("node-default-user"));
  const ack = await user.timeout(5000).emitWithAck("user:heartbeat", { user: "node-default-user", page: "/d" });
  assert.equal(ack.ok, true);
  assert.equal((await seen).page, "/d");
});

test("polling only: events and acks without a websocket", async () => {
  const watcher = await admin({ transports: ["polling"] });
  const user = await connected(connect({ transports: ["polling"] }));
  const seen = once(watcher, "admin:presence:update", presenceOf("node-polling-user"));
  const ack = await user.timeout(5000).emitWithAck("user:heartbeat", { user: "node-polling-user", page: "/p" });
  assert.equal(ack.ok, true);
  assert.equal((await seen).page, "/p");
  assert.equal(watcher.io.engine.transport.name, "polling");
});

test("a session token names the user, whatever the event says", async () => {
  const created = await httpPost("/api/session/create", {}, { Authorization: "Bearer dev:node-alice" });
  assert.equal(created.status, 200);
  const watcher = await admin({ transports: ["websocket"] });
  const user = await connected(connect({ auth: { session_token: created.body.session_token } }));
  const seen = once(watcher, "admin:presence:update", presenceOf("node-alice"));
  const ack = await user.timeout(5000).emitWithAck("user:heartbeat", { user: "node-mallory", page: "/s" });
  assert.deepEqual(ack, { ok: true, user: "node-alice", verified: true });
  assert.equal((await seen).verified, true);
});

test("bad auth is a connect_error", async () => {
  for (const auth of [{ token: "wrong-token" }, { session_token: "sps_no-such-session" }]) {
    const socket = connect({ auth });
    const error = await once(socket, "connect_error");
    assert.match(error.message, /Invalid/);
    assert.equal(socket.connected, false);
  }
});

test("a non-admin cannot join the admin room and receives no admin events", async () => {
  const outsider = await connected(connect());
  const received = [];
  outsider.onAny((event) => received.push(event));
  const error = once(outsider, "error");
  const ack = await outsider.timeout(5000).emitWithAck("join-room", { room: "admin" });
  assert.equal(ack.ok, false);
  assert.match((await error).message, /Admin credential required/);
  await httpPost("/api/heartbeat", { user: "node-unseen", page: "/u" });
  await httpPost("/api/session/create", {}, { Authorization: "Bearer dev:node-unseen" });
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.deepEqual(received.filter((e) => e.startsWith("admin:")), []);
});

test("errors come back as 'error' events and the connection stays open", async () => {
  const socket = await connected(connect({ transports: ["websocket"] }));
  for (const [event, data] of [["no-such-event", {}], ["user:heartbeat", "not an object"], ["user:heartbeat", { page: 5 }],
    ["session:terminate", { sid: "x" }]]) {
    const error = once(socket, "error");
    socket.emit(event, data);
    assert.ok((await error).message.length > 0);
  }
  assert.equal(socket.connected, true);
  const ack = await socket.timeout(5000).emitWithAck("user:heartbeat", { user: "node-still-open", page: "/" });
  assert.equal(ack.ok, true);
});

test("an admin terminates a session; every admin sees it", async () => {
  const created = await httpPost("/api/session/create", {}, { Authorization: "Bearer dev:node-victim" });
  const sid = created.body.session_id;
  const first = await admin({ transports: ["websocket"] });
  const second = await admin();
  const ended = (data) => data.type === "session_terminated" && data.session_id === sid;
  const both = Promise.all([once(first, "admin:sessions:update", ended), once(second, "admin:sessions:update", ended)]);
  const ack = await first.timeout(5000).emitWithAck("session:terminate", { sid, user: "node-victim" });
  assert.deepEqual(ack, { ok: true, session_id: sid, user: "node-victim", terminated: true, live_session: true,
    tracked_activity: false });
  await both;
});

async function trackedSids() {
  const response = await fetch(BASE_URL + "/admin/sessions/redis?limit=1000", {
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  assert.equal(response.status, 200);
  return (await response.json()).items.map((item) => item.sid);
}

test("seed 000: session:terminate ends tracked-only activity, sid exactly as posted", async () => {
  const watcher = await admin({ transports: ["websocket"] });
  for (const sid of [" node sid ", "nödé-😀", "a|b", "cr\r\nlf", "a/b+c;d"]) {
    assert.equal((await httpPost("/api/session/update", { sid, user: "node-tracked" })).status, 200);
    assert.ok((await trackedSids()).includes(sid), JSON.stringify(sid));
    const ended = once(watcher, "admin:sessions:update", (d) => d.type === "session_terminated" && d.sid === sid);
    const ack = await watcher.timeout(5000).emitWithAck("session:terminate", { sid, user: "node-tracked" });
    assert.deepEqual(ack, { ok: true, session_id: sid, user: "node-tracked", terminated: true, live_session: false,
      tracked_activity: true });
    const event = await ended;
    assert.equal(event.user, "node-tracked");
    assert.equal(event.session_id, sid);
    assert.ok(!(await trackedSids()).includes(sid));
    const again = await watcher.timeout(5000).emitWithAck("session:terminate", { sid });
    assert.deepEqual(again, { ok: false, message: "No live session or tracked session activity with that id" });
  }
});

for (const transports of [["websocket"], ["polling"]]) {
  test(`the end of its session disconnects a socket (${transports[0]}): session_ended, then "io server disconnect"`, async () => {
    const created = await httpPost("/api/session/create", { remember_me: false }, { Authorization: `Bearer dev:node-ended-${transports[0]}` });
    assert.equal(created.status, 200);
    const socket = await connected(connect({ transports, auth: { session_token: created.body.session_token } }));
    const ack = await socket.timeout(5000).emitWithAck("user:heartbeat", { page: "/before-logout" });
    assert.equal(ack.ok, true);
    assert.equal(ack.verified, true);

    const received = [];
    socket.onAny((event, data) => received.push({ event, data }));
    const ended = once(socket, "session_ended");
    const disconnected = once(socket, "disconnect");
    const logout = await httpPost("/api/session/logout", {}, { "X-Session-Token": created.body.session_token });
    assert.equal(logout.status, 200);
    assert.deepEqual(await ended, { reason: "logout", session_id: created.body.session_id });
    assert.equal(await disconnected, "io server disconnect");
    assert.deepEqual(received.map((r) => r.event), ["session_ended"], "nothing but the farewell");
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(socket.connected, false, "no reconnect after a server disconnect");
  });
}
