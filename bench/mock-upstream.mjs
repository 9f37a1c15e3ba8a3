// The benchmark's upstream: a minimal OpenAI-compatible server that answers as fast as it can, so
// what is measured is the gateway in front of it. Not the test fake (test/fake-upstream/), which
// can delay, fail and cut streams and pays for that flexibility on every request.
//
//   POST /v1/chat/completions   a fixed small completion with usage; "stream": true → 20 content
//                               chunks, a usage chunk and [DONE], written back to back
//   GET  /v1/models             one model, "bench-model"
//
// Run it in its own process (bench/run.mjs forks this file) so its CPU is not counted as the gateway's:
//   node bench/mock-upstream.mjs [--port 0]   → prints/sends { port } once listening
import http from "node:http";
import { pathToFileURL } from "node:url";

export const MODEL_ID = "bench-model";
const CREATED = 1_700_000_000;
const WORDS = [
  "Hello",
  " there",
  ",",
  " this",
  " is",
  " a",
  " short",
  " benchmark",
  " reply",
  " from",
  " the",
  " mock",
  " upstream",
  " that",
  " streams",
  " twenty",
  " small",
  " chunks",
  " of",
  " text.",
];
const USAGE = { prompt_tokens: 14, completion_tokens: WORDS.length, total_tokens: 14 + WORDS.length };

const completionBody = Buffer.from(
  JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion",
    created: CREATED,
    model: MODEL_ID,
    choices: [{ index: 0, message: { role: "assistant", content: WORDS.join("") }, finish_reason: "stop" }],
    usage: USAGE,
  }),
);

const event = (obj) => Buffer.from(`data: ${JSON.stringify(obj)}\n\n`);
const chunk = (delta, finish = null) => ({
  id: "chatcmpl-bench",
  object: "chat.completion.chunk",
  created: CREATED,
  model: MODEL_ID,
  choices: [{ index: 0, delta, finish_reason: finish }],
});
const streamEvents = [
  ...WORDS.map((w, i) =>
    event(chunk(i === 0 ? { role: "assistant", content: w } : { content: w }, i === WORDS.length - 1 ? "stop" : null)),
  ),
  event({
    id: "chatcmpl-bench",
    object: "chat.completion.chunk",
    created: CREATED,
    model: MODEL_ID,
    choices: [],
    usage: USAGE,
  }),
  Buffer.from("data: [DONE]\n\n"),
];

const modelsBody = Buffer.from(
  JSON.stringify({ object: "list", data: [{ id: MODEL_ID, object: "model", created: CREATED, owned_by: "bench" }] }),
);

/** Only `"stream": true` matters; the body is scanned, not parsed, to keep the mock cheap. */
const wantsStream = (body) => /"stream"\s*:\s*true/.test(body);

function handle(req, res) {
  if (req.method === "GET" && req.url.endsWith("/models")) {
    res.writeHead(200, { "content-type": "application/json", "content-length": modelsBody.length });
    res.end(modelsBody);
    return;
  }
  if (req.method !== "POST" || !req.url.endsWith("/chat/completions")) {
    res.writeHead(404, { "content-type": "application/json" });
    res.end('{"error":{"message":"not found"}}');
    return;
  }
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    if (!wantsStream(body)) {
      res.writeHead(200, { "content-type": "application/json", "content-length": completionBody.length });
      res.end(completionBody);
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    for (const e of streamEvents) res.write(e);
    res.end();
  });
}

export function startMockUpstream({ port = 0, host = "127.0.0.1" } = {}) {
  const server = http.createServer({ keepAliveTimeout: 60_000, noDelay: true }, handle);
  return new Promise((resolve, reject) => {
    server.on("error", reject);
    server.listen(port, host, () => resolve({ server, url: `http://${host}:${server.address().port}` }));
  });
}

// Entry point when forked (or run directly).
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf("--port");
  const { url } = await startMockUpstream({ port: i > 0 ? Number(process.argv[i + 1]) : 0 });
  const port = Number(new URL(url).port);
  if (process.send) process.send({ port });
  else console.log(`mock upstream at ${url}`);
  process.on("disconnect", () => process.exit(0));
}
