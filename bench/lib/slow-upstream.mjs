// The test fake upstream (test/fake-upstream/) answering every chat completion slowly, in its own
// process for bench/streams.mjs: `--chunks` content chunks (one token each), `--chunk-ms` apart, then
// the usage chunk and [DONE]. Forked; it sends { port } once it listens, and answers { stats } with
// what it holds: inference calls seen, still open, and ended by the gateway (aborted).
//
// With --tls it serves https:// (HTTP/2, or HTTP/1.1 to a client that does not offer it) and sends its
// self-signed certificate with the port.
//
//   node bench/lib/slow-upstream.mjs --chunks 30 --chunk-ms 1000 [--tls]
import { parseArgs } from "node:util";
import { startFakeUpstream } from "../../test/fake-upstream/server.mjs";
import { selfSignedCert } from "../../test/fake-upstream/tls.mjs";

const { values } = parseArgs({
  options: {
    chunks: { type: "string", default: "30" },
    "chunk-ms": { type: "string", default: "1000" },
    tls: { type: "boolean", default: false },
  },
});
const tls = values.tls ? selfSignedCert() : undefined;
const up = await startFakeUpstream({ port: 0, tls });
up.setBehavior({ chunks: Number(values.chunks), idleMs: Number(values["chunk-ms"]) });

function stats() {
  let calls = 0;
  let open = 0;
  let aborted = 0;
  let completionTokens = 0;
  const connections = new Set();
  for (const r of up.requests) {
    if (r.model === undefined || !r.streamed) continue;
    calls++;
    connections.add(r.connection);
    if (r.finishedAt === undefined) open++;
    if (r.aborted) aborted++;
    completionTokens += r.usage.completion;
  }
  // connections: how many sockets the streamed calls came on (HTTP/2 carries many on one).
  return {
    calls,
    open,
    aborted,
    completionTokens,
    connections: connections.size,
    rssMb: process.memoryUsage.rss() / 2 ** 20,
  };
}

/** Per streamed call: the first user message (it names the bench's stream), tokens served, aborted. */
function calls() {
  return up.requests
    .filter((r) => r.model !== undefined && r.streamed)
    .map((r) => ({
      prompt: r.body?.messages?.[0]?.content ?? null,
      completionTokens: r.usage.completion,
      aborted: r.aborted,
    }));
}

process.on("message", (m) => {
  if (m === "stats") process.send({ stats: stats() });
  else if (m === "calls") process.send({ calls: calls() });
});
process.send({ port: up.port, cert: tls?.cert });
process.on("disconnect", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));
