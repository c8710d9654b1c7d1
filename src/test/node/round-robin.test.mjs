// Two instances on one Redis, each with realtime.advertise-url, behind a proxy that sends every
// HTTP request and every WebSocket upgrade to A and B in turn: a load balancer with no affinity.
// Run by PollingAcrossInstancesTest: BASE_URL_A, BASE_URL_B and ADMIN_TOKEN come from the environment.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { io } from "socket.io-client";
import { once, connected } from "./sockets.mjs";

const TARGETS = [process.env.BASE_URL_A, process.env.BASE_URL_B].map((u) => u && new URL(u));
const ADMIN_TOKEN = process.env.ADMIN_TOKEN;
assert.ok(TARGETS.every(Boolean) && ADMIN_TOKEN, "BASE_URL_A, BASE_URL_B and ADMIN_TOKEN must be set");

let turn = 0;
const sentTo = []; // "<port> <kind>" per proxied request
function nextTarget(kind) {
  const target = TARGETS[turn++ % TARGETS.length];
  sentTo.push(`${target.port} ${kind}`);
  return target;
}

const proxy = http.createServer((req, res) => {
  const target = nextTarget(req.method);
  const upstream = http.request(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
  upstream.on("error", (e) => res.destroy(e));
  req.pipe(upstream);
});
proxy.on("upgrade", (req, socket, head) => {
  const target = nextTarget("upgrade");
  const upstream = net.connect(Number(target.port), target.hostname, () => {
    let request = `${req.method} ${req.url} HTTP/1.1\r\n`;
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      request += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
    }
    upstream.write(request + "\r\n");
    upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  upstream.on("error", () => socket.destroy());
  socket.on("error", () => upstream.destroy());
});

let proxyUrl;
const sockets = [];
before(async () => {
  await new Promise((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyUrl = `http://127.0.0.1:${proxy.address().port}`;
});
after(() => {
  sockets.forEach((s) => s.close());
  proxy.closeAllConnections();
  proxy.close();
});

function connect(url, options = {}) {
  const socket = io(url, { reconnection: false, timeout: 5000, forceNew: true, ...options });
  sockets.push(socket);
  return socket;
}

async function heartbeats(socket, user, count) {
  for (let i = 0; i < count; i++) {
    const ack = await socket.timeout(5000).emitWithAck("user:heartbeat", { user, page: `/${i}` });
    assert.equal(ack.ok, true);
  }
}

for (const transports of [["polling"], ["polling", "websocket"]]) {
  test(`through the proxy, transports ${JSON.stringify(transports)}: every request may land on either instance`, async () => {
    const first = sentTo.length;
    const watcher = await connected(connect(proxyUrl, { transports, auth: { token: ADMIN_TOKEN } }));
    const ack = await watcher.timeout(5000).emitWithAck("join-room", { room: "admin" });
    assert.deepEqual(ack, { ok: true, room: "admin" });
    const user = await connected(connect(proxyUrl, { transports }));
    const name = `round-robin-${transports.length}`;
    const seen = once(watcher, "admin:presence:update", (e) => e.user === name && e.page === "/9");
    await heartbeats(user, name, 10);
    await seen;
    const ports = new Set(sentTo.slice(first).filter((s) => !s.endsWith("upgrade")).map((s) => s.split(" ")[0]));
    assert.equal(ports.size, 2, `requests reached both instances: ${sentTo.slice(first)}`);
  });
}

test("websocket-only clients, on either instance", async () => {
  for (const url of [...TARGETS.map(String), proxyUrl, proxyUrl]) {
    const socket = await connected(connect(url, { transports: ["websocket"] }));
    assert.equal(socket.io.engine.transport.name, "websocket");
    await heartbeats(socket, "websocket-only", 2);
  }
});
