// The peer of the side-by-side benchmark (load-tests/run.sh, PEERS=express): what a team would
// write with express-session and connect-redis, run as `node:cluster` with WORKERS processes.
// Sessions are express-session session objects in connect-redis's RedisStore (one string key
// `sess:<id>` per session, TTL from the cookie), called the way the middleware calls it: one
// store.set per login, one store.get per request. The token travels in X-Session-Token, as the
// load tests send it, instead of a signed cookie.
import cluster from "node:cluster";
import crypto from "node:crypto";
import express from "express";
import session from "express-session";
import { RedisStore } from "connect-redis";
import { createClient } from "redis";

const port = Number(process.env.PORT || 3000);
const workers = Number(process.env.WORKERS || 2);
const ttlMs = 3600 * 1000;

if (cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on("exit", (worker, code) => { if (code !== 0) process.exit(code); });
} else {
  const client = createClient({ url: process.env.REDIS_URL || "redis://127.0.0.1:6379" });
  await client.connect();
  const store = new RedisStore({ client, prefix: "sess:" });
  const Session = session.Session;
  const Cookie = session.Cookie;
  const app = express();
  app.disable("x-powered-by");
  app.use(express.json());

  app.post("/api/session/create", (req, res) => {
    const auth = req.get("authorization") || "";
    if (!auth.startsWith("Bearer dev:")) return res.status(401).json({ success: false, error: "Missing identity" });
    const user = auth.slice("Bearer dev:".length);
    const id = crypto.randomBytes(32).toString("base64url");
    const now = Date.now();
    const sess = { cookie: new Cookie({ maxAge: ttlMs }), user_id: user, created: now, last_activity: now,
      remember_me: false, user_agent: req.get("user-agent") || "", ip: req.ip };
    store.set(id, sess, (err) => {
      if (err) return res.status(503).json({ success: false, error: "Store unavailable" });
      res.json({ success: true, session_token: id, session_id: id, user_id: user, expires_at: now + ttlMs,
        remember_me: false });
    });
  });

  app.get("/api/session/validate", (req, res) => {
    const token = req.get("x-session-token");
    if (!token) return res.status(401).json({ success: false, valid: false, error: "Missing session token" });
    store.get(token, (err, sess) => {
      if (err) return res.status(503).json({ success: false, error: "Store unavailable" });
      if (!sess) return res.status(401).json({ success: false, valid: false, error: "Invalid or expired session" });
      new Session({ sessionID: token, sessionStore: store }, sess);
      res.json({ success: true, valid: true, user_id: sess.user_id, session_id: token,
        expires_at: new Date(sess.cookie.expires).getTime(), remember_me: sess.remember_me });
    });
  });

  // The load tests' set-up asks the store's name (stats) and logs its probe session out.
  app.get("/api/session/stats", (req, res) => {
    store.get(req.get("x-session-token") || "", (err, sess) => {
      if (err) return res.status(503).json({ success: false, error: "Store unavailable" });
      if (!sess) return res.status(401).json({ success: false, error: "Invalid or expired session" });
      res.json({ success: true, stats: { store: "redis" } });
    });
  });

  app.post("/api/session/logout", (req, res) => {
    store.destroy(req.get("x-session-token") || "", (err) => {
      if (err) return res.status(503).json({ success: false, error: "Store unavailable" });
      res.json({ success: true });
    });
  });

  app.listen(port, "127.0.0.1");
}
