// The floor any Node gateway can reach: a bare node:http server that forwards each request to the
// upstream with undici's fetch over a keep-alive pool and pipes the answer back, chunk by chunk.
// No auth, no parsing, no accounting (bench/floor.mjs adds the least a billing gateway must do, as `account`).
//
//   node bench/passthrough.mjs --upstream http://127.0.0.1:PORT [--port 0]   → sends/prints { port }
import http from "node:http";
import { pathToFileURL } from "node:url";
import { Agent, fetch } from "undici";

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "content-length", "host"]);

/**
 * `account` (bench/floor.mjs): `open(req, body)` gives a meter, told each chunk of the answer
 * (`data`) and its end (`end(status)`), or a refusal `{ refuse: status, message }`.
 */
export function startPassthrough({ upstream, port = 0, host = "127.0.0.1", account }) {
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 256 });
  const server = http.createServer({ keepAliveTimeout: 60_000, noDelay: true }, async (req, res) => {
    let meter;
    try {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      const body = req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks);
      meter = account?.open(req, body);
      if (meter?.refuse) {
        res.writeHead(meter.refuse, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: meter.message } }));
        return;
      }
      const upstreamRes = await fetch(upstream + req.url, {
        method: req.method,
        headers: { "content-type": req.headers["content-type"] ?? "application/json" },
        body,
        dispatcher,
      });
      const headers = {};
      for (const [k, v] of upstreamRes.headers) if (!HOP_BY_HOP.has(k)) headers[k] = v;
      res.writeHead(upstreamRes.status, headers);
      if (upstreamRes.body)
        for await (const c of upstreamRes.body) {
          meter?.data(c);
          res.write(c);
        }
      res.end();
      meter?.end(upstreamRes.status);
    } catch (err) {
      if (meter && !meter.refuse) meter.end(502);
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: String(err?.message ?? err) } }));
    }
  });
  return new Promise((resolve, reject) => {
    server.on("error", reject);
    server.listen(port, host, () => resolve({ server, url: `http://${host}:${server.address().port}` }));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const upstream = arg("--upstream");
  if (!upstream) throw new Error("--upstream http://host:port is required");
  const { url } = await startPassthrough({ upstream, port: Number(arg("--port") ?? 0) });
  const port = Number(new URL(url).port);
  if (process.send) process.send({ port });
  else console.log(`pass-through at ${url} → ${upstream}`);
  process.on("disconnect", () => process.exit(0));
}
