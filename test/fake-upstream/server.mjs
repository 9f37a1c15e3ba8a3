// Fake LLM upstream for tests: OpenAI chat completions and Responses (responses.mjs), Ollama, Bedrock Converse (every region:
// /{region}/model/..., SigV4 checked; see bedrock.mjs).
//
//   import { startFakeUpstream } from "./test/fake-upstream/server.mjs";
//   node test/fake-upstream/server.mjs --port 4010 [--host 127.0.0.1] [--api-key K] [--pull-step-delay 50] [--tls]
//
// With `tls: { key, cert }` (or --tls: a self-signed certificate, tls.mjs) it serves https://, HTTP/2 to a
// client that offers it and HTTP/1.1 to one that does not, as OpenAI and Bedrock do.
//
// Behaviour is controlled per request through directives in the model name
// (see directives.mjs: fake:delay=200:fail=500:cut=3:garble=2:ttft=..:headers-delay=..:idle=..:chunks=..:nousage:zerousage:tool)
// or globally with setBehavior(). GET /__fake/usage answers the token totals and each inference
// request's own count (for scripts that run the fake in another process, like `npm run soak`).
import http from "node:http";
import http2 from "node:http2";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import * as bedrock from "./bedrock.mjs";
import { effectiveBehavior } from "./directives.mjs";
import * as embeddings from "./embeddings.mjs";
import * as ollama from "./ollama.mjs";
import * as openai from "./openai.mjs";
import * as responses from "./responses.mjs";
import { selfSignedCert } from "./tls.mjs";

export { DIRECTIVE_NAMES, parseModelDirectives } from "./directives.mjs";
export { crc32, decodeEventStream, encodeEventStreamMessage } from "./eventstream.mjs";

const abortError = () => Object.assign(new Error("client disconnected"), { name: "AbortError" });

/** 1 for the first connection (socket) the fake accepted, 2 for the next, …; HTTP/2 streams share theirs. */
function connectionNumber(state, req) {
  const socket = req.stream?.session?.socket ?? req.socket;
  let n = state.connections.get(socket);
  if (n === undefined) state.connections.set(socket, (n = ++state.connectionSeq));
  return n;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Per-request helpers shared by the wire-format handlers. */
function createContext(state, req, res, entry, body, url) {
  const ac = new AbortController();
  let done = false;
  const onClose = () => {
    // On HTTP/2 a reset stream reads as writableFinished; writableEnded says whether the fake ended it.
    const unfinished = res.stream ? !res.writableEnded : !res.writableFinished;
    if (unfinished && !entry.cut) entry.aborted = true;
    entry.finishedAt ??= Date.now();
    done = true;
    ac.abort(); // cancels any pending sleep (timers are cleared by the abort)
  };
  res.on("close", onClose);
  if (req.socket.destroyed) onClose();

  const ctx = {
    state,
    req,
    res,
    entry,
    body,
    url,
    signal: ac.signal,
    get done() {
      return done;
    },
    async sleep(ms) {
      if (done) throw abortError();
      if (ms > 0) await sleep(ms, undefined, { signal: ac.signal });
    },
    json(status, obj, headers = {}) {
      if (done) return;
      entry.status = status;
      const text = JSON.stringify(obj);
      res.writeHead(status, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(text),
        "x-fake-request-id": entry.id,
        ...headers,
      });
      res.end(text);
    },
    status(status) {
      if (done) return;
      entry.status = status;
      res.writeHead(status, { "content-length": 0, "x-fake-request-id": entry.id });
      res.end();
    },
    startStream(status, contentType) {
      if (done) throw abortError();
      entry.status = status;
      entry.streamed = true;
      res.writeHead(status, {
        "content-type": contentType,
        "cache-control": "no-cache",
        "x-fake-request-id": entry.id,
      });
      res.flushHeaders();
    },
    /** Write one piece; `content` content chunks worth `tokens` completion tokens. */
    send(data, content = 0, tokens = content) {
      if (done) throw abortError();
      entry.chunksSent += content;
      entry.usage.completion += tokens;
      state.served.completion += tokens;
      return new Promise((resolve) => {
        const onAbort = () => resolve();
        ac.signal.addEventListener("abort", onAbort, { once: true });
        res.write(data, () => {
          ac.signal.removeEventListener("abort", onAbort);
          resolve();
        });
      });
    },
    end(data) {
      if (done) return;
      res.end(data);
    },
    /** Count tokens for a response that is being served. */
    served(prompt, completion, chunks) {
      entry.usage.prompt += prompt;
      entry.usage.completion += completion;
      entry.chunksSent += chunks;
      state.served.prompt += prompt;
      state.served.completion += completion;
    },
    /** Count tokens that were reported to the client in a usage block. */
    reported(prompt, completion) {
      entry.reportedUsage = { prompt, completion };
      state.reported.prompt += prompt;
      state.reported.completion += completion;
    },
    shouldCut: (d) => d.cut != null && entry.chunksSent >= d.cut,
    /** Kill the connection mid-stream, without any terminating event (on HTTP/2: reset the stream alone). */
    cut() {
      entry.cut = true;
      done = true;
      entry.finishedAt = Date.now();
      if (res.stream) res.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
      else res.socket?.destroy();
    },
  };
  return ctx;
}

function failResponse(ctx, kind, status) {
  if (kind === "openai") return ctx.json(status, openai.openaiError(status, `fake failure ${status}`));
  if (kind === "ollama") return ctx.json(status, { error: `fake failure ${status}` });
  return bedrock.bedrockError(ctx, status);
}

function takeFailNext(state) {
  const f = state.failNext;
  if (!f || f.remaining <= 0) return undefined;
  f.remaining -= 1;
  if (f.remaining <= 0) state.failNext = null;
  return f.status;
}

async function inference(ctx, kind, model, run) {
  const { state, entry, req } = ctx;
  entry.model = model;
  const key = state.options.apiKey;
  if (kind === "openai" && key && req.headers.authorization !== `Bearer ${key}`) {
    return ctx.json(
      401,
      openai.openaiError(401, "Incorrect API key provided", "invalid_request_error", "invalid_api_key"),
    );
  }
  const d = effectiveBehavior(model, state.behavior);
  const forced = takeFailNext(state);
  await ctx.sleep(d.delay);
  await ctx.sleep(d.headersDelay);
  const status = forced ?? d.fail;
  if (status) return failResponse(ctx, kind, status);
  return run(d);
}

async function route(ctx) {
  const { req, url, body, state } = ctx;
  const p = url.pathname;
  const m = req.method;
  const key = state.options.apiKey;
  const openaiAuthOk = !key || req.headers.authorization === `Bearer ${key}`;
  let match;

  const embedding = embeddings.route(ctx, inference);
  if (embedding) return embedding;
  if (m === "POST" && (p === "/v1/chat/completions" || p === "/chat/completions")) {
    return inference(ctx, "openai", body?.model, (d) => openai.chatCompletions(ctx, d));
  }
  if (m === "POST" && (p === "/v1/responses" || p === "/responses")) {
    return inference(ctx, "openai", body?.model, (d) => responses.create(ctx, d));
  }
  if (m === "GET" && (p === "/v1/models" || p === "/models" || (match = /^\/(?:v1\/)?models\/(.+)$/.exec(p)))) {
    if (!openaiAuthOk) {
      return ctx.json(
        401,
        openai.openaiError(401, "Incorrect API key provided", "invalid_request_error", "invalid_api_key"),
      );
    }
    return match ? openai.getModel(ctx, decodeURIComponent(match[1])) : openai.listModels(ctx);
  }
  if (m === "POST" && (match = bedrock.matchBedrock(p))) {
    const r = match;
    ctx.entry.model = r.modelId;
    if (!bedrock.admit(ctx, r)) return;
    return inference(ctx, "bedrock", r.modelId, (d) => bedrock.converse(ctx, d, r.streaming));
  }
  if (m === "GET" && (match = bedrock.matchFoundationModels(p))) return bedrock.foundationModels(ctx, match);
  if (m === "POST" && p === "/api/chat") return inference(ctx, "ollama", body?.model, (d) => ollama.chat(ctx, d));
  if (m === "GET" && p === "/api/tags") return ollama.tags(ctx);
  if (m === "GET" && p === "/api/ps") return ollama.ps(ctx);
  if (m === "POST" && p === "/api/pull") return ollama.pull(ctx);
  if ((m === "DELETE" || m === "POST") && p === "/api/delete") return ollama.remove(ctx);
  if (m === "POST" && p === "/api/show") return ollama.show(ctx);
  if (m === "GET" && p === "/__fake/usage") return ctx.json(200, usageReport(state));
  if (m === "GET" && p === "/api/version") return ctx.json(200, { version: "0.0.0-fake" });
  if (m === "GET" && p === "/") {
    ctx.entry.status = 200;
    return ctx.res.writeHead(200, { "content-type": "text/plain" }).end("Ollama is running");
  }
  return ctx.json(404, { error: { message: `fake-upstream: no route for ${m} ${p}`, type: "not_found", code: null } });
}

async function handle(state, req, res) {
  const url = new URL(req.url ?? "/", "http://fake-upstream");
  const rawBody = await readBody(req);
  let body = null;
  try {
    body = rawBody ? JSON.parse(rawBody) : null;
  } catch {
    body = null;
  }
  const entry = {
    id: `req_${++state.seq}`,
    method: req.method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: req.headers,
    body,
    rawBody,
    receivedAt: Date.now(),
    connection: connectionNumber(state, req),
    model: undefined,
    status: undefined,
    streamed: false,
    aborted: false,
    cut: false,
    chunksSent: 0,
    usage: { prompt: 0, completion: 0 },
    reportedUsage: undefined,
    finishedAt: undefined,
  };
  state.requests.push(entry);
  res.on("finish", () => {
    entry.finishedAt ??= Date.now();
  });
  const ctx = createContext(state, req, res, entry, body, url);
  try {
    await route(ctx);
  } catch (err) {
    if (ctx.done) return; // client went away or we cut the stream: nothing to do
    if (!res.headersSent)
      ctx.json(500, {
        error: { message: `fake-upstream crashed: ${err?.message ?? err}`, type: "server_error", code: null },
      });
    else res.destroy();
  }
}

/** What the fake itself served: totals, and per inference request its model, status and tokens. */
function usageReport(state) {
  const inference = state.requests.filter((r) => r.model !== undefined);
  return {
    served: { ...state.served },
    reported: { ...state.reported },
    requests: inference.map((r) => ({
      id: r.id,
      model: r.model,
      status: r.status ?? null,
      aborted: r.aborted,
      cut: r.cut,
      usage: { ...r.usage },
      messages: r.body?.messages ?? null,
    })),
  };
}

function awsKeys(extra = []) {
  return new Map([...bedrock.DEFAULT_AWS_KEYS, ...extra].map((k) => [k.accessKeyId, k]));
}

function freshOllamaModels() {
  return new Map(ollama.INITIAL_OLLAMA_MODELS.map((n) => [n, Date.now()]));
}

export async function startFakeUpstream(options = {}) {
  const { port = 0, host = "127.0.0.1" } = options;
  const state = {
    options,
    startedAt: Date.now(),
    seq: 0,
    connections: new WeakMap(),
    connectionSeq: 0,
    requests: [],
    behavior: {},
    failNext: null,
    served: { prompt: 0, completion: 0 },
    reported: { prompt: 0, completion: 0 },
    ollamaModels: freshOllamaModels(),
    ollamaLoaded: new Map(),
    awsKeys: awsKeys(options.awsCredentials),
  };
  const onRequest = (req, res) => {
    handle(state, req, res).catch(() => res.destroy());
  };
  const server = options.tls
    ? http2.createSecureServer({ ...options.tls, allowHTTP1: true, settings: options.http2Settings }, onRequest)
    : http.createServer(onRequest);
  // http2's server has no closeAllConnections: it keeps its sockets to end them on close.
  const sockets = new Set();
  if (options.tls)
    server.on("secureConnection", (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const actualPort = server.address().port;
  const urlHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;

  return {
    url: `${options.tls ? "https" : "http"}://${urlHost}:${actualPort}`,
    port: actualPort,
    server,
    requests: state.requests,
    setBehavior(b = {}) {
      state.behavior = { ...b };
      state.failNext = b.failNext ? { status: b.failNext.status, remaining: b.failNext.count ?? 1 } : null;
    },
    reset() {
      state.requests.length = 0;
      state.behavior = {};
      state.failNext = null;
      state.served = { prompt: 0, completion: 0 };
      state.reported = { prompt: 0, completion: 0 };
      state.ollamaModels = freshOllamaModels();
      state.ollamaLoaded = new Map();
      state.awsKeys = awsKeys(options.awsCredentials);
    },
    /** AWS keys the Bedrock fake accepts besides the defaults ({accessKeyId, secretAccessKey, sessionToken?}). */
    addAwsCredentials(list) {
      for (const k of list) state.awsKeys.set(k.accessKeyId, k);
    },
    tokensServed: () => ({ ...state.served }),
    tokensReported: () => ({ ...state.reported }),
    ollamaModels: () => [...state.ollamaModels.keys()],
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        if (options.tls) for (const socket of sockets) socket.destroy();
        else server.closeAllConnections();
      }),
  };
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    const value = () => inline ?? argv[++i];
    if (flag === "--port" || flag === "-p") out.port = Number(value());
    else if (flag === "--host") out.host = value();
    else if (flag === "--api-key") out.apiKey = value();
    else if (flag === "--pull-step-delay") out.pullStepDelayMs = Number(value());
    else if (flag === "--region") out.region = value();
    else if (flag === "--tls") out.tls = selfSignedCert();
  }
  return out;
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.port === undefined && process.env.PORT) opts.port = Number(process.env.PORT);
  const up = await startFakeUpstream(opts);
  console.log(`fake-upstream listening on ${up.url}`);
  const stop = () => up.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
