// Tollgate's production server: Next.js serves everything, except that a gateway call
// (POST /v1/<wire format> or /api/v1/<wire format> — chat/completions, responses, … — with a JSON
// body of known, modest size) goes straight to that route's own handler. Next's routing, request adaptation and response
// piping cost more CPU per call than authenticating, rate limiting, reserving money and
// recording the request together; skipping them changes nothing else — same handler, same
// module instances, same headers — and any other request (or an unusual chat call: chunked,
// large) takes the ordinary Next.js path.
//
//   node scripts/serve.mjs [--port 3000] [--hostname 0.0.0.0]     (defaults: $PORT, $HOSTNAME)
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import http from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { setImmediate } from "node:timers";
import { parseArgs } from "node:util";
import { SECURITY_HEADERS } from "../security-headers.mjs";
import { attachSynapseWebSocket } from "./synapse-ws.mjs";

process.env.NODE_ENV = "production";
process.env.NEXT_TELEMETRY_DISABLED ??= "1";

const { values: args } = parseArgs({
  options: { port: { type: "string", short: "p" }, hostname: { type: "string", short: "H" } },
});
const port = Number(args.port ?? process.env.PORT ?? 3000);
const hostname = args.hostname ?? process.env.HOSTNAME ?? "0.0.0.0";
const dir = process.cwd();
const require = createRequire(path.join(dir, "package.json"));

/** Bodies up to this size take the direct path (larger ones, e.g. with images, go through Next). */
const DIRECT_BODY_MAX = 1024 * 1024;
/** The wire formats served directly: each a route under app/api/v1 whose POST runs the gateway pipeline. */
const DIRECT_ROUTES = ["chat/completions", "responses", "messages"];

const next = require("next");
// On its first request Next.js attaches a WebSocket upgrade handler to the request's server (for
// rewrites to WebSocket backends, which Tollgate has none of), and that handler closes every other
// upgrade — SynapseChat's /admin/ws among them (synapse-ws.mjs). Handing Next a server of its own
// that never sees a connection keeps the upgrades ours.
const nextUpgradesGoNowhere = new EventEmitter();
const app = next({ dev: false, dir, hostname, port, httpServer: nextUpgradesGoNowhere });
await app.prepare();
const handleWithNext = app.getRequestHandler();
// The same files Next.js requires for these routes, so the same module instances (caches, queues).
const directPosts = new Map();
for (const route of DIRECT_ROUTES) {
  const post = require(path.join(dir, `.next/server/app/api/v1/${route}/route.js`)).routeModule?.userland?.POST;
  if (typeof post !== "function") throw new Error(`the ${route} route has no POST handler in this build`);
  directPosts.set(`/v1/${route}`, post).set(`/api/v1/${route}`, post);
}

const DIRECT_STREAM = Symbol.for("tollgate.directStream");
const DIRECT_BODY = Symbol.for("tollgate.directBody");
const securityHeaders = Object.fromEntries(SECURITY_HEADERS.map((h) => [h.key, h.value]));

/** The POST handler that serves this request directly, or undefined when Next.js should. */
function directHandler(req) {
  if (req.method !== "POST") return undefined;
  const q = req.url.indexOf("?");
  const post = directPosts.get(q === -1 ? req.url : req.url.slice(0, q));
  if (!post) return undefined;
  const length = Number(req.headers["content-length"]);
  return Number.isInteger(length) && length <= DIRECT_BODY_MAX && !req.headers["transfer-encoding"] ? post : undefined;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on("error", reject);
    // A client that hangs up mid-body: no 'end' will come.
    req.on("close", () => {
      if (!req.complete) reject(new ClientGone());
    });
  });
}

class ClientGone extends Error {}

// The socket's peer address under this process's random header name (lib/net/peer-address.ts,
// which stamps it on Next's path, takes the same name from globalThis).
const PEER_ADDRESS_HEADER = (globalThis[Symbol.for("tollgate.peerAddressHeader")] ??=
  `x-tollgate-peer-${randomBytes(8).toString("hex")}`);

function webHeaders(req) {
  const raw = req.rawHeaders;
  const headers = new Headers();
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
  headers.set(PEER_ADDRESS_HEADER, req.socket.remoteAddress ?? "unknown");
  return headers;
}

async function handleDirectly(post, req, res) {
  const body = await readBody(req);
  const left = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) left.abort();
  });
  // The body goes along whole (lib/api/body.ts reads it), not as a web stream built only to be read back.
  const request = new Request(`http://${req.headers.host ?? "localhost"}${req.url}`, {
    method: "POST",
    headers: webHeaders(req),
    signal: left.signal,
  });
  request[DIRECT_BODY] = body;
  const response = await post(request, { params: Promise.resolve({}) });
  // Keeps the Request reachable for as long as the response runs: its signal follows `left` only
  // while it is (see lib/events/sse.ts).
  res.on("close", () => void request);
  const headers = { ...securityHeaders };
  for (const [name, value] of response.headers) headers[name] = value;
  const whole = response[DIRECT_BODY];
  // A gateway stream hands over its chunks directly (lib/gateway/respond.ts); when the client
  // leaves, the request's signal (`left`) stops it. Any other body is read as a web stream.
  let next = response[DIRECT_STREAM];
  if (
    typeof next !== "function" &&
    (typeof whole === "string" || !response.body || headers["content-type"]?.startsWith("application/json"))
  ) {
    // A whole answer (not a stream): one write, with its length.
    const body =
      typeof whole === "string"
        ? Buffer.from(whole)
        : response.body
          ? Buffer.from(await response.arrayBuffer())
          : Buffer.alloc(0);
    headers["content-length"] = String(body.length);
    res.writeHead(response.status, headers);
    return void res.end(body);
  }
  res.writeHead(response.status, headers);
  if (typeof next !== "function") {
    const reader = response.body.getReader();
    res.on("close", () => void reader.cancel().catch(() => {}));
    next = async () => {
      const { done, value } = await reader.read();
      return done ? null : value;
    };
  }
  // Chunks that arrive together (one upstream read holds several events) leave in one write: the
  // socket is corked at the first and uncorked once the promises that produce the rest have run —
  // at setImmediate, after this turn's I/O (process.nextTick would uncork before the next chunk).
  let corked = false;
  const uncork = () => {
    corked = false;
    res.uncork();
  };
  for (;;) {
    const value = await next();
    if (!value) break;
    if (!corked) {
      corked = true;
      res.cork();
      setImmediate(uncork);
    }
    if (!res.write(value)) await new Promise((resolve) => res.once("drain", resolve).once("close", resolve));
    if (res.destroyed) return;
  }
  res.end();
}

const server = http.createServer((req, res) => {
  const post = directHandler(req);
  if (!post) return void handleWithNext(req, res);
  handleDirectly(post, req, res).catch((err) => {
    if (err instanceof ClientGone) return void res.destroy();
    console.error("gateway direct path failed:", err);
    if (!res.headersSent) res.writeHead(500, { "content-type": "application/json", ...securityHeaders });
    res.end(
      res.headersSent ? undefined : JSON.stringify({ error: { message: "Internal error", type: "internal_error" } }),
    );
  });
});
// SynapseChat's /admin/ws (the one WebSocket): relayed from its route over loopback.
attachSynapseWebSocket(server, {
  origin: `http://${["0.0.0.0", "::"].includes(hostname) ? "127.0.0.1" : hostname}:${port}`,
});
server.listen(port, hostname, () => console.log(`Tollgate ready on http://${hostname}:${port}`));
