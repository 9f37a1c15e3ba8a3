// Tollgate's production server, for `npm start` and the Docker image alike: Next.js serves
// everything, except that a gateway call (POST /v1/<wire format> or /api/v1/<wire format> —
// chat/completions, responses, … — with a JSON body of known, modest size) goes straight to that
// route's own handler (scripts/lib/direct-server.mjs; what passes between the two is
// lib/direct-path.mjs). Next's routing, request adaptation and response piping cost more CPU per
// call than authenticating, rate limiting, reserving money and recording the request together;
// skipping them changes nothing else — same handler, same module instances, same headers, same
// errors — and any other request (or an unusual chat call: chunked, large) takes the ordinary
// Next.js path.
//
//   node scripts/serve.mjs [--port 3000] [--hostname 0.0.0.0]     (defaults: $PORT, $HOSTNAME)
import { EventEmitter } from "node:events";
import http from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";
import { DIRECT_ROUTES } from "../lib/direct-path.mjs";
import { directPath } from "./lib/direct-server.mjs";
import { closeOnDrain } from "./lib/drain.mjs";
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

// The configuration the build resolved and wrote down, as Next's standalone server.js passes it: the
// server runs on the build's output (the Docker image has no next.config.mjs), and Next.js does not
// warn that `next start` does not suit `output: standalone` — this is not `next start`.
process.env.__NEXT_PRIVATE_STANDALONE_CONFIG ??= JSON.stringify(
  require(path.join(dir, ".next/required-server-files.json")).config,
);
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
const serveDirectly = directPath(directPosts);

const server = http.createServer((req, res) => {
  if (!serveDirectly(req, res)) handleWithNext(req, res);
});
// On SIGTERM: no new connections, each open one closed after its answer (a balancer in front sends
// new requests to another instance, a POST too); what is open finishes (lib/shutdown.ts).
closeOnDrain(server);
// SynapseChat's /admin/ws (the one WebSocket): relayed from its route over loopback.
attachSynapseWebSocket(server, {
  origin: `http://${["0.0.0.0", "::"].includes(hostname) ? "127.0.0.1" : hostname}:${port}`,
});
// A burst of new connections waits in the kernel's queue while the server is busy, rather than being
// reset: Node's default backlog (511) overflowed at 450 new streams a second in bench:streams. The
// kernel caps it at net.core.somaxconn.
const LISTEN_BACKLOG = 4096;
server.listen({ port, host: hostname, backlog: LISTEN_BACKLOG }, () =>
  console.log(`Tollgate ready on http://${hostname}:${port}`),
);
