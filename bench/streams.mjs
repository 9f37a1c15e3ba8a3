// Many open streams on one instance (issue 26, item 4; target: 10,000 streams of 30 s against a slow
// upstream all complete and are each billed exactly, resident memory under 1.5 GB, event-loop delay
// p99 under 50 ms, clients that leave mid-stream freed at once and billed for what they received).
//
//   npm run bench:streams                           10,000 streams (if the server may hold 2 sockets each)
//   npm run bench:streams -- --streams 9000         the most that fits under an open-files limit of 20,000
//   npm run bench:streams -- --upstream-tls         10,000 against an HTTP/2 upstream: ~1 socket per stream
//   npm run bench:streams -- --help                 every option
//
// Options (defaults in brackets):
//   --streams N [10000]   streams opened          --seconds S [30]     length of each answer
//   --chunk-ms MS [1000]  one content chunk (one token) this often, S × 1000 / MS chunks in all
//   --ramp S [10]         seconds over which the streams are opened (under S: all are then open together)
//   --leave F [0.1]       fraction of the clients that hang up mid-stream (every 1/F-th stream)
//   --keys K [20]         API keys the streams are spread over (each with every limit set, none hit)
//   --app-dir DIR         serve a built copy from DIR          --force   run even if the descriptors will not fit
//   --upstream-tls        the fake upstream serves https:// with HTTP/2, as OpenAI and Bedrock do (its
//                         certificate reaches Tollgate through NODE_EXTRA_CA_CERTS), and Tollgate runs with
//                         UPSTREAM_HTTP2_STREAMS=100 (HTTP/2 is off by default) unless the environment sets
//                         it (=0 keeps the TLS upstream on HTTP/1.1); without it, plain http:// and
//                         HTTP/1.1, one upstream connection per stream
//   --cpu-prof            the server under node --cpu-prof; prints its top functions during the ramp and
//                         while all are open and as the leavers go (profile in bench/results/prof/streams-<stamp>/)
//
// The production build served by scripts/serve.mjs (as `npm start`) on a fresh PostgreSQL database and
// Redis, in front of the test fake upstream (bench/lib/slow-upstream.mjs, its own process). This process
// is the client: node:http, one socket per stream. Timeline: the streams are opened evenly over --ramp;
// halfway between the ramp's end and the first stream's end, the leavers hang up, each right after its
// next content chunk (so what it received is exactly what the server relayed); the others read to
// [DONE]. Measured: the server's RSS (/proc/<pid>/status, every 250 ms), its event-loop delay per phase
// (prom-client's monitorEventLoopDelay in /api/metrics, reset at each scrape), its open descriptors and
// the streams it holds around the leaving, and, once everything is settled, every request's record in
// the database against the exact price of the tokens it produced, and each wallet against its records.
import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { freePort } from "../scripts/lib/server.mjs";
import { headerHelp } from "./lib/help.mjs";
import { cpuMs, listeningPid, rssMb, sampleRss, waitUntil } from "./lib/proc.mjs";
import { summarizeProfile } from "./lib/profile.mjs";
import { percentile } from "./lib/stats.mjs";
import {
  buildIfNeeded,
  createDatabase,
  dropRedisPrefix,
  ensurePriced,
  seedBenchAccounts,
  startTollgate,
  waitForHealth,
} from "./lib/tollgate.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const log = (message) => console.log(`[bench:streams] ${new Date().toISOString().slice(11, 19)} ${message}`);
const MODEL = "fake-model"; // what Tollgate discovers on the fake upstream
const TARGETS = { rssMb: 1536, loopP99Ms: 50 };
/** Descriptors the server holds besides its streams' sockets: measured at start, plus this margin. */
const FD_MARGIN = 64;

function options() {
  const { values } = parseArgs({
    options: {
      streams: { type: "string", default: "10000" },
      seconds: { type: "string", default: "30" },
      "chunk-ms": { type: "string", default: "1000" },
      ramp: { type: "string", default: "10" },
      leave: { type: "string", default: "0.1" },
      keys: { type: "string", default: "20" },
      "app-dir": { type: "string" },
      force: { type: "boolean", default: false },
      "upstream-tls": { type: "boolean", default: false },
      "cpu-prof": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const num = (name, ok) => {
    const n = Number(values[name]);
    if (!Number.isFinite(n) || !ok(n)) throw new Error(`--${name}: '${values[name]}' is not allowed`);
    return n;
  };
  // Passed on to the server: 100 with --upstream-tls unless the environment sets it.
  const http2Streams = values["upstream-tls"] ? (process.env.UPSTREAM_HTTP2_STREAMS ?? "100") : undefined;
  return {
    help: values.help,
    streams: num("streams", (n) => Number.isInteger(n) && n > 0),
    seconds: num("seconds", (n) => n > 0),
    chunkMs: num("chunk-ms", (n) => Number.isInteger(n) && n >= 10),
    ramp: num("ramp", (n) => n >= 0),
    leave: num("leave", (n) => n >= 0 && n <= 1),
    keys: num("keys", (n) => Number.isInteger(n) && n > 0),
    appDir: path.resolve(values["app-dir"] ?? root),
    force: values.force,
    upstreamTls: values["upstream-tls"],
    http2Streams,
    upstreamHttp2: http2Streams !== undefined && http2Streams !== "0",
    cpuProf: values["cpu-prof"],
  };
}

const cleanups = [];
async function cleanUp() {
  for (const fn of cleanups.splice(0).reverse()) await fn().catch((err) => log(`cleanup: ${err.message}`));
}
for (const signal of ["SIGINT", "SIGTERM"])
  process.on(signal, () => {
    log(`${signal}: stopping everything`);
    cleanUp().finally(() => process.exit(130));
  });

/** The slow fake upstream in its own process; `ask("stats" | "calls")` answers over IPC. */
async function startSlowUpstream(chunks, chunkMs, tls) {
  const child = fork(
    path.join(root, "bench/lib/slow-upstream.mjs"),
    ["--chunks", String(chunks), "--chunk-ms", String(chunkMs), ...(tls ? ["--tls"] : [])],
    { stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  const { port, cert } = await new Promise((resolve, reject) => {
    child.once("message", resolve);
    child.once("exit", (code) => reject(new Error(`the slow upstream exited (${code}) before listening`)));
  });
  return {
    pid: child.pid,
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    cert,
    ask: (what) =>
      new Promise((resolve) => {
        child.once("message", (m) => resolve(m[what]));
        child.send(what);
      }),
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await Promise.race([new Promise((r) => child.once("exit", r)), sleep(3_000)]);
    },
  };
}

const openFds = (pid) => {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null;
  }
};
const fdLimit = (pid) => Number(/Max open files\s+(\d+)/.exec(readFileSync(`/proc/${pid}/limits`, "utf8"))?.[1]);

/** What /api/metrics says now; the event-loop figures cover the time since the previous scrape (which reset them). */
async function scrape(tollgate) {
  const res = await fetch(`${tollgate.url}/api/metrics`, {
    headers: { authorization: `Bearer ${tollgate.adminToken}` },
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`/api/metrics answered ${res.status}: ${text.slice(0, 200)}`);
  const read = (name) => Number(new RegExp(`^${name} ([\\d.e+-]+)$`, "m").exec(text)?.[1]);
  // The histogram records the interval between 10 ms ticks: the delay is what exceeds the 10 ms.
  const delay = (seconds) => Math.max(0, seconds * 1000 - 10);
  return {
    at: Date.now(),
    loop: {
      p50Ms: delay(read("nodejs_eventloop_lag_p50_seconds")),
      p99Ms: delay(read("nodejs_eventloop_lag_p99_seconds")),
      maxMs: delay(read("nodejs_eventloop_lag_max_seconds")),
    },
    heapUsedMb: read("nodejs_heap_size_used_bytes") / 2 ** 20,
    activeStreams: read("tollgate_active_streams"),
  };
}

/** Same length for every stream, so every prompt has the same token count. */
const promptOf = (i) => `Stream ${String(i).padStart(6, "0")}: tell me a long story, slowly.`;

/** The client side: opens the streams, reads them, makes the leavers hang up. */
function createClient({ url, headerSets, streams, leaveEvery, runId }) {
  const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
  const target = new URL(`${url}/v1/chat/completions`);
  const all = [];
  let ended = 0;
  let leaving = false;
  let whenAllEnded;
  const allEnded = new Promise((resolve) => (whenAllEnded = resolve));
  const end = (s) => {
    if (s.endedAt !== null) return;
    s.endedAt = performance.now();
    if (++ended === streams) whenAllEnded();
  };

  function open(i) {
    const s = {
      i,
      requestId: `streams-${runId}-${i}`,
      leaver: leaveEvery > 0 && i % leaveEvery === 0,
      startedAt: performance.now(),
      status: null,
      headersAt: null,
      firstTokenAt: null,
      chunks: 0,
      done: false,
      usageCost: null,
      streamError: null,
      error: null,
      leftAt: null,
      endedAt: null,
    };
    all.push(s);
    const body = Buffer.from(
      JSON.stringify({
        model: MODEL,
        messages: [{ role: "user", content: promptOf(i) }],
        max_tokens: 256,
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    const req = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "POST",
        headers: { ...headerSets[i % headerSets.length], "content-length": body.length, "x-request-id": s.requestId },
      },
      (res) => {
        s.status = res.statusCode;
        s.headersAt = performance.now();
        res.setEncoding("utf8");
        let carry = "";
        res.on("data", (text) => {
          carry += text;
          const cut = carry.lastIndexOf("\n\n");
          if (cut < 0) return;
          const events = carry.slice(0, cut).split("\n\n");
          carry = carry.slice(cut + 2);
          let content = false;
          for (const event of events) {
            if (event.includes('"content":"tok')) {
              s.chunks++;
              content = true;
              s.firstTokenAt ??= performance.now();
            } else if (event === "data: [DONE]") s.done = true;
            else if (event.includes('"usage"')) s.usageCost = JSON.parse(event.slice(6)).usage?.cost ?? null;
            else if (event.includes('"error"')) s.streamError = event.slice(0, 300);
          }
          // A leaver hangs up right after a content chunk: the next one is a chunk interval away,
          // so what it received is exactly what the server relayed.
          if (content && leaving && s.leaver && s.leftAt === null) {
            s.leftAt = performance.now();
            req.destroy();
            end(s);
          }
        });
        res.on("end", () => end(s));
        res.on("error", () => {});
      },
    );
    req.on("error", (err) => {
      if (s.leftAt === null) s.error = err.code ?? err.message;
      end(s);
    });
    req.on("close", () => end(s));
    req.end(body);
  }

  return {
    all,
    allEnded,
    ended: () => ended,
    /** Opens `streams` streams evenly over `rampMs`; resolves once the last one is sent. */
    async ramp(rampMs) {
      const started = performance.now();
      for (let i = 0; i < streams; ) {
        const due =
          rampMs === 0
            ? streams
            : Math.min(streams, Math.floor(((performance.now() - started) / rampMs) * streams) + 1);
        while (i < due) open(i++);
        if (i < streams) await sleep(5);
      }
      return performance.now() - started;
    },
    leave: () => (leaving = true),
    leavers: () => all.filter((s) => s.leaver),
    /** Hangs up every stream still open (the run's deadline passed). */
    abandon() {
      agent.destroy();
      for (const s of all) {
        if (s.endedAt !== null) continue;
        s.error ??= "unfinished";
        end(s);
      }
    },
  };
}

/** "0.000050" → 50n micro-units. */
const microsOf = (text) => {
  const [whole, frac = ""] = String(text).split(".");
  return BigInt(whole) * 1_000_000n + BigInt(frac.padEnd(6, "0").slice(0, 6));
};
const priceOf = (prices, promptTokens, completionTokens) => {
  const n = BigInt(promptTokens) * prices.input + BigInt(completionTokens) * prices.output;
  return n === 0n ? 0n : (n + 999_999n) / 1_000_000n; // rounded up, as Tollgate rounds
};

/**
 * Every stream's record against the price of its tokens: the completed ones at the upstream's usage
 * (the whole answer), the leavers at their prompt plus the chunks they received; each wallet against
 * the sum of its records, with nothing left reserved.
 */
async function verifyBilling({ databaseUrl, client, chunks, promptTokens, upstreamCalls }) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const ids = client.all.map((s) => s.requestId);
    const settleStarted = Date.now();
    let lastCount = -1;
    await waitUntil(
      "every stream's record settled",
      async () => {
        const { rows } = await db.query(
          `SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'PENDING')::int AS pending FROM "Request" WHERE id = ANY($1)`,
          [ids],
        );
        // All there, or (requests that never reached the server have none) no longer growing, and none PENDING.
        const steady = rows[0].n === ids.length || rows[0].n === lastCount;
        lastCount = rows[0].n;
        return steady && rows[0].pending === 0;
      },
      { timeoutMs: 180_000, intervalMs: 500 },
    ).catch((err) => log(`warning: ${err.message.split("\n")[0]}`)); // the records below say which
    const settledMs = Date.now() - settleStarted;
    const leasesStarted = Date.now();
    await waitUntil(
      "nothing reserved on any wallet (leases drained)",
      async () => {
        const { rows } = await db.query(
          `SELECT coalesce(sum("reserved"), 0)::text AS r, coalesce(sum("monthReserved"), 0)::text AS m, coalesce(sum("tokenReserved"), 0)::text AS t FROM "Limit"`,
        );
        return rows[0].r === "0" && rows[0].m === "0" && rows[0].t === "0";
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    ).catch(() => {}); // reported below from the wallets themselves
    const leasesMs = Date.now() - leasesStarted;

    const model = (await db.query(`SELECT "inputPrice", "outputPrice" FROM "Model" WHERE "publicId" = $1`, [MODEL]))
      .rows[0];
    const prices = { input: BigInt(model.inputPrice), output: BigInt(model.outputPrice) };
    const { rows } = await db.query(
      `SELECT id, status, "promptTokens", "completionTokens", "usageEstimated", cost::text AS cost FROM "Request" WHERE id = ANY($1)`,
      [ids],
    );
    const records = new Map(rows.map((r) => [r.id, r]));
    const served = new Map(upstreamCalls.map((c) => [c.prompt, c]));
    const out = {
      prices: { input: String(prices.input), output: String(prices.output) },
      settledMs,
      leasesMs,
      completed: { n: 0, whole: 0, exact: 0, clientCostAgrees: 0 },
      left: { n: 0, exact: 0, inFlight: 0, upstreamAborted: 0, upstreamServedMore: 0 },
      failures: [],
    };
    const seen = new Map();
    const fail = (s, why, r) => {
      const kind = `${why.slice(0, 30)}|${s.error ?? ""}`;
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
      if (seen.get(kind) <= 3) out.failures.push({ stream: s.i, why, record: r ?? null, client: { ...s } });
    };
    for (const s of client.all) {
      const r = records.get(s.requestId);
      if (s.leftAt === null) {
        out.completed.n++;
        const whole = s.status === 200 && s.done && s.chunks === chunks && !s.error && !s.streamError;
        if (whole) out.completed.whole++;
        else fail(s, "did not complete");
        const cost = priceOf(prices, promptTokens, chunks);
        const exact =
          r?.status === "OK" &&
          r.promptTokens === promptTokens &&
          r.completionTokens === chunks &&
          !r.usageEstimated &&
          BigInt(r.cost) === cost;
        if (exact) out.completed.exact++;
        else fail(s, `record is not the exact price of ${promptTokens} + ${chunks} tokens (${cost})`, r);
        if (s.usageCost !== null && r && microsOf(s.usageCost) === BigInt(r.cost)) out.completed.clientCostAgrees++;
      } else {
        out.left.n++;
        const call = served.get(promptOf(s.i));
        // Billed the chunks it read, or one more: the server had relayed the next one, which was on its
        // way (in a socket buffer) when the client hung up — a lagging client does not read at once.
        const billedAs = (tokens) =>
          r?.status === "ABORTED" &&
          r.promptTokens === promptTokens &&
          r.completionTokens === tokens &&
          BigInt(r.cost) === priceOf(prices, promptTokens, tokens);
        // One that hung up after its last token may find its request already settled whole (the usage came first).
        const settledWhole =
          s.chunks === chunks &&
          r?.status === "OK" &&
          r.completionTokens === chunks &&
          BigInt(r.cost) === priceOf(prices, promptTokens, chunks);
        if (billedAs(s.chunks) || settledWhole) out.left.exact++;
        else if (billedAs(s.chunks + 1) && call && call.completionTokens > s.chunks) out.left.inFlight++;
        else fail(s, `a leaver's record is not the price of ${promptTokens} + ${s.chunks} read tokens`, r);
        if (call?.aborted) out.left.upstreamAborted++;
        if (call && call.completionTokens > s.chunks) out.left.upstreamServedMore++;
      }
    }
    // Each wallet: what it started with, less the sum of its records (the warm-up probe's included), nothing reserved.
    const wallets = await db.query(
      `SELECT l.balance::text AS balance, l."monthSpent"::text AS spent, l.reserved::text AS reserved,
              l."monthReserved"::text AS "monthReserved", l."tokenReserved"::text AS "tokenReserved",
              (SELECT coalesce(sum(r.cost), 0) FROM "Request" r WHERE r."apiKeyId" = l."apiKeyId")::text AS charged
         FROM "Limit" l WHERE l."apiKeyId" IS NOT NULL`,
    );
    const start = 10n ** 15n; // bench/lib/tollgate.mjs seeds every wallet with this balance
    out.wallets = {
      n: wallets.rows.length,
      balanced: wallets.rows.filter(
        (w) => BigInt(w.balance) === start - BigInt(w.charged) && BigInt(w.spent) === BigInt(w.charged),
      ).length,
      nothingReserved: wallets.rows.filter(
        (w) => w.reserved === "0" && w.monthReserved === "0" && w.tokenReserved === "0",
      ).length,
      charged: String(wallets.rows.reduce((sum, w) => sum + BigInt(w.charged), 0n)),
    };
    return out;
  } finally {
    await db.end();
  }
}

const mb = (v) => (v === null || v === undefined ? "–" : `${Math.round(v)} MB`);
const ms = (v) => (v === null || v === undefined ? "–" : `${v.toFixed(1)} ms`);
const ok = (pass) => (pass ? "✓" : "✗");

function report(r) {
  const { opts, billing, loop, memory, leave } = r;
  const worstP99 = Math.max(...Object.values(loop).map((w) => w.p99Ms));
  const allComplete = billing.completed.whole === billing.completed.n;
  const exact =
    billing.completed.exact === billing.completed.n &&
    billing.left.exact + billing.left.inFlight === billing.left.n &&
    billing.wallets.balanced === billing.wallets.n &&
    billing.wallets.nothingReserved === billing.wallets.n;
  const lines = [
    `Open streams (issue 26, item 4): ${opts.streams.toLocaleString("en")} streams of ${opts.seconds} s (${r.chunks} chunks, one per ${opts.chunkMs} ms) opened over ${(r.rampMs / 1000).toFixed(1)} s, ${billing.left.n} of them leaving mid-stream; ${os.cpus().length} cores, load ${r.load.before.map((l) => l.toFixed(1)).join(" ")} before, ${r.load.after.map((l) => l.toFixed(1)).join(" ")} after`,
    "",
    `all open at once            server held ${r.open.activeStreams} streams and ${r.open.fds} descriptors; the upstream ${r.open.upstreamOpen} calls, on ${r.open.upstreamConnections} connections (${r.opts.upstreamHttp2 ? "HTTP/2 over TLS" : r.opts.upstreamTls ? "HTTP/1.1 over TLS" : "HTTP/1.1"})`,
    `all complete                ${ok(allComplete)} ${billing.completed.whole} / ${billing.completed.n} read to [DONE] with all ${r.chunks} chunks; length p50 ${(r.durations.p50 / 1000).toFixed(1)} s, max ${(r.durations.max / 1000).toFixed(1)} s; first token p99 ${ms(r.firstToken.p99)}`,
    `each billed exactly         ${ok(exact)} completed ${billing.completed.exact} / ${billing.completed.n} (client's usage cost agrees: ${billing.completed.clientCostAgrees}), left ${billing.left.exact} / ${billing.left.n} at prompt + tokens read (+ ${billing.left.inFlight} with one more the server had relayed, in flight when the client hung up); wallets ${billing.wallets.balanced} / ${billing.wallets.n} balanced, ${billing.wallets.nothingReserved} with nothing reserved`,
    `RSS peak < ${TARGETS.rssMb} MB        ${ok(memory.peakMb < TARGETS.rssMb)} ${mb(memory.peakMb)} (idle ${mb(memory.idleMb)}, all open ${mb(memory.openMb)}: ${memory.perStreamKb.toFixed(0)} KB per stream; heap used ${mb(r.open.heapUsedMb)})`,
    `loop delay p99 < ${TARGETS.loopP99Ms} ms      ${ok(worstP99 < TARGETS.loopP99Ms)} ${Object.entries(loop)
      .map(([phase, w]) => `${phase} p50 ${ms(w.p50Ms)} p99 ${ms(w.p99Ms)} max ${ms(w.maxMs)}`)
      .join("; ")}`,
    `leavers freed at once       ${leave.left} left within ${ms(leave.spreadMs)}; descriptors −${leave.fdsFreed} (of ${r.fds.perStream * leave.left}) ${ms(leave.fdsFreedMs)} after the last; server streams ${r.open.activeStreams} → ${leave.activeStreams}; upstream calls aborted ${billing.left.upstreamAborted} / ${billing.left.n}; RSS ${mb(leave.rssBeforeMb)} → ${mb(leave.rssAfterMb)}, heap used ${mb(leave.heapBeforeMb)} → ${mb(leave.heapAfterMb)}`,
    `CPU seconds                 server ${(r.cpu.server / 1000).toFixed(1)}, upstream ${(r.cpu.upstream / 1000).toFixed(1)}, client ${(r.cpu.client / 1000).toFixed(1)} over ${(r.wallMs / 1000).toFixed(0)} s`,
    `descriptors                 ${r.fds.note}`,
    `for 10,000                  RSS ≈ ${mb(memory.projected10k)}; descriptors ≈ ${r.fds.projected10k.toLocaleString("en")} (limit here ${r.fds.limit.toLocaleString("en")})`,
  ];
  if (billing.failures.length)
    lines.push("", "First failures:", ...billing.failures.slice(0, 5).map((f) => `  ${JSON.stringify(f)}`));
  return {
    text: lines.join("\n"),
    pass: { allComplete, exact, rss: memory.peakMb < TARGETS.rssMb, loop: worstP99 < TARGETS.loopP99Ms },
  };
}

async function main() {
  const opts = options();
  if (opts.help) {
    console.log(headerHelp(import.meta.url));
    return;
  }
  const chunks = Math.max(1, Math.round((opts.seconds * 1000) / opts.chunkMs));
  const leaveEvery = opts.leave > 0 ? Math.round(1 / opts.leave) : 0;
  const stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
  const ownLimit = fdLimit(process.pid);
  if (opts.streams + FD_MARGIN > ownLimit && !opts.force)
    throw new Error(
      `the client needs a socket per stream: ${opts.streams} + ${FD_MARGIN} descriptors, its limit is ${ownLimit}`,
    );

  await buildIfNeeded(opts.appDir, log);
  const upstream = await startSlowUpstream(chunks, opts.chunkMs, opts.upstreamTls);
  cleanups.push(() => upstream.stop());
  const db = await createDatabase();
  cleanups.push(() => db.drop());
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "tollgate-bench-"));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const extraEnv = opts.http2Streams === undefined ? {} : { UPSTREAM_HTTP2_STREAMS: opts.http2Streams };
  if (upstream.cert) {
    extraEnv.NODE_EXTRA_CA_CERTS = path.join(dataDir, "upstream-ca.pem");
    await writeFile(extraEnv.NODE_EXTRA_CA_CERTS, upstream.cert);
  }
  const redisPrefix = `tollgate-bench-${randomBytes(4).toString("hex")}:`;
  cleanups.push(() => dropRedisPrefix(redisPrefix));
  const port = await freePort();
  log(`starting Tollgate on :${port} (database ${db.name}) in front of the slow fake upstream (${upstream.url})`);
  const tollgate = startTollgate({
    appDir: opts.appDir,
    port,
    databaseUrl: db.url,
    upstreamUrl: upstream.url,
    redisPrefix,
    dataDir,
    extraEnv,
    nodeArgs: opts.cpuProf ? ["--cpu-prof", `--cpu-prof-dir=${profDir(stamp)}`] : [],
  });
  cleanups.push(() => tollgate.server.stop());
  await waitForHealth(tollgate.url, tollgate.server);
  const seeded = await seedBenchAccounts(db.url, MODEL, opts.keys);
  await ensurePriced({
    url: tollgate.url,
    adminToken: tollgate.adminToken,
    apiKey: seeded.apiKeys[0],
    modelId: MODEL,
    modelRowId: seeded.modelRowId,
    body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "price check" }], max_tokens: 8 }),
  });
  const pid = listeningPid(tollgate.server.pid, port) ?? tollgate.server.pid;

  // The server holds its client's socket per stream, and over HTTP/1.1 an upstream socket per stream too; over
  // HTTP/2 the upstream carries UPSTREAM_HTTP2_STREAMS (100) streams a connection, and a ramp opens a few more
  // while one is shaking hands: counted here as 2 per 100 streams.
  const fds = { limit: fdLimit(pid), atStart: openFds(pid), perStream: opts.upstreamHttp2 ? 1 : 2 };
  const need = (streams) => fds.perStream * streams + (opts.upstreamHttp2 ? 2 * Math.ceil(streams / 100) : 0);
  fds.needed = need(opts.streams) + fds.atStart + FD_MARGIN;
  fds.projected10k = need(10_000) + fds.atStart + FD_MARGIN;
  fds.note = `${fds.atStart} open at start + ${opts.upstreamHttp2 ? "1 per stream and the HTTP/2 upstream's connections" : "2 per stream"}; ${opts.streams.toLocaleString("en")} streams need ~${fds.needed.toLocaleString("en")}, the server's limit (RLIMIT_NOFILE) is ${fds.limit.toLocaleString("en")}`;
  log(fds.note);
  if (fds.needed > fds.limit && !opts.force)
    throw new Error(
      `${opts.streams} streams do not fit the server's open-files limit: ${fds.note}. Raise it (ulimit -n, LimitNOFILE=, docker --ulimit nofile=) or run fewer (--streams ${Math.floor((fds.limit - fds.atStart - FD_MARGIN) / fds.perStream)}), or against an HTTP/2 upstream (--upstream-tls); --force tries anyway`,
    );

  const promptTokens = Math.ceil(promptOf(0).length / 4); // the fake's count, and Tollgate's estimate
  const headerSets = seeded.apiKeys.map((key) => ({
    "content-type": "application/json",
    authorization: `Bearer ${key}`,
  }));
  const client = createClient({
    url: tollgate.url,
    headerSets,
    streams: opts.streams,
    leaveEvery,
    runId: randomBytes(3).toString("hex"),
  });

  await sleep(2_000);
  const idleMb = rssMb(pid);
  const cpuStart = { server: cpuMs(pid), upstream: cpuMs(upstream.pid), client: process.cpuUsage() };
  const load = { before: os.loadavg() };
  const scrapes = { start: await scrape({ url: tollgate.url, adminToken: tollgate.adminToken }) };
  const at = (name) => scrape({ url: tollgate.url, adminToken: tollgate.adminToken }).then((s) => (scrapes[name] = s));
  const rss = sampleRss(pid, 250);
  const t0 = performance.now();

  log(`opening ${opts.streams} streams over ${opts.ramp} s (every ${leaveEvery || "–"}th leaves mid-stream)`);
  const rampStartedUs = monotonicUs();
  const rampMs = await client.ramp(opts.ramp * 1000);
  profWindows.ramp = [rampStartedUs, monotonicUs()];
  await at("ramp");
  log(`ramp done in ${(rampMs / 1000).toFixed(1)} s`);
  const streamMs = chunks * opts.chunkMs;
  if (rampMs >= streamMs)
    log(`warning: the ramp took longer than a stream lasts — the streams were never all open together`);

  // All open: halfway between the ramp's end and the first stream's end.
  const leaveAt = Math.max(performance.now() + 1_000, t0 + rampMs + (streamMs - rampMs) / 2);
  await sleep(Math.max(0, leaveAt - 1_500 - performance.now()));
  const openStartedUs = monotonicUs();
  const beforeLeave = await at("open");
  const open = {
    activeStreams: beforeLeave.activeStreams,
    heapUsedMb: beforeLeave.heapUsedMb,
    fds: openFds(pid),
    ...(await upstream.ask("stats").then((s) => ({ upstreamOpen: s.open, upstreamConnections: s.connections }))),
    rssMb: rssMb(pid),
  };
  log(
    `all open: server ${open.activeStreams} streams, ${open.fds} descriptors, RSS ${mb(open.rssMb)}; upstream ${open.upstreamOpen} open calls on ${open.upstreamConnections} connections`,
  );
  await sleep(Math.max(0, leaveAt - performance.now()));
  profWindows.open = [openStartedUs, monotonicUs()];

  // The leavers hang up, each after its next content chunk; then how soon the server lets go of them.
  const leaveStarted = performance.now();
  const leaveStartedUs = monotonicUs();
  client.leave();
  const leavers = client.leavers().filter((s) => s.endedAt === null);
  await waitUntil("every leaver gone", async () => leavers.every((s) => s.leftAt !== null), {
    timeoutMs: opts.chunkMs * 3 + 5_000,
    intervalMs: 20,
  }).catch(() => log("warning: some leavers never got a chunk to leave after"));
  const left = leavers.filter((s) => s.leftAt !== null);
  const lastLeft = left.length ? Math.max(...left.map((s) => s.leftAt)) : leaveStarted;
  // Both sockets of each leaver closed (a few descriptors of the server's own may come and go meanwhile).
  const fdsTarget = open.fds - fds.perStream * left.length + 8;
  let fdsNow = openFds(pid);
  while (fdsNow > fdsTarget && performance.now() - lastLeft < 10_000) {
    await sleep(50);
    fdsNow = openFds(pid);
  }
  const fdsFreedMs = performance.now() - lastLeft;
  await sleep(3_000);
  const afterLeave = await at("leave");
  profWindows.leave = [leaveStartedUs, monotonicUs()];
  const leave = {
    left: left.length,
    spreadMs: lastLeft - leaveStarted,
    fdsFreed: open.fds - fdsNow,
    fdsFreedMs: fdsNow <= fdsTarget ? fdsFreedMs : null,
    activeStreams: afterLeave.activeStreams,
    upstream: await upstream.ask("stats"),
    rssBeforeMb: open.rssMb,
    rssAfterMb: rssMb(pid),
    heapBeforeMb: open.heapUsedMb,
    heapAfterMb: afterLeave.heapUsedMb,
  };
  log(
    `${leave.left} left; descriptors −${leave.fdsFreed} ${ms(leave.fdsFreedMs)} after the last; server streams now ${leave.activeStreams}`,
  );

  // The rest read to the end.
  const deadline = streamMs * 2 + opts.ramp * 1000 + 60_000;
  const finished = await Promise.race([client.allEnded.then(() => true), sleep(deadline).then(() => false)]);
  if (!finished) {
    log(`warning: ${opts.streams - client.ended()} streams still open after ${deadline / 1000} s: abandoned`);
    client.abandon();
  }
  const wallMs = performance.now() - t0;
  await at("end");
  log(`all ended after ${(wallMs / 1000).toFixed(1)} s`);
  const cpu = {
    server: cpuMs(pid) - cpuStart.server,
    upstream: cpuMs(upstream.pid) - cpuStart.upstream,
    client: (() => {
      const u = process.cpuUsage(cpuStart.client);
      return (u.user + u.system) / 1000;
    })(),
  };

  log("checking every record against the price of its tokens");
  const upstreamCalls = await upstream.ask("calls");
  const billing = await verifyBilling({ databaseUrl: db.url, client, chunks, promptTokens, upstreamCalls });
  await at("settle");
  const rssRun = rss.stop();
  load.after = os.loadavg();

  const sorted = (values) => values.filter((v) => v !== null).sort((a, b) => a - b);
  const completed = client.all.filter((s) => s.leftAt === null && s.endedAt !== null);
  const durations = sorted(completed.map((s) => s.endedAt - s.startedAt));
  const firstToken = sorted(client.all.map((s) => (s.firstTokenAt === null ? null : s.firstTokenAt - s.startedAt)));
  const perStreamKb = ((open.rssMb - idleMb) * 1024) / Math.max(1, open.activeStreams);
  const windows = ["ramp", "open", "leave", "end", "settle"];
  const loop = Object.fromEntries(windows.map((w) => [w, scrapes[w].loop]));
  const result = {
    kind: "streams",
    stamp,
    opts,
    chunks,
    promptTokens,
    machine: { cpus: os.cpus().length, node: process.version, fdLimitClient: ownLimit },
    load,
    rampMs,
    wallMs,
    open,
    leave,
    fds,
    cpu,
    loop,
    memory: {
      idleMb,
      openMb: open.rssMb,
      peakMb: rssRun.peakMb,
      afterMb: rssMb(pid),
      perStreamKb,
      projected10k: idleMb + (perStreamKb * 10_000) / 1024,
      samples: rssRun.samples.map((s) => [s.t, Math.round(s.mb)]),
    },
    durations: { p50: percentile(durations, 50), p99: percentile(durations, 99), max: durations.at(-1) ?? null },
    firstToken: { p50: percentile(firstToken, 50), p99: percentile(firstToken, 99), max: firstToken.at(-1) ?? null },
    errors: Object.entries(
      client.all.reduce((m, s) => {
        const key = s.error ?? (s.status !== null && s.status !== 200 ? `HTTP ${s.status}` : null);
        if (key) m[key] = (m[key] ?? 0) + 1;
        return m;
      }, {}),
    ),
    billing,
  };
  const { text, pass } = report(result);
  result.pass = pass;
  const dir = path.join(root, "bench/results");
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `streams-${stamp}.json`);
  await writeFile(file, JSON.stringify(result, null, 2));
  if (result.errors.length) log(`client errors: ${JSON.stringify(result.errors)}`);
  console.log(`\n${text}\n\n→ ${path.relative(root, file)}`);
  return { opts, stamp };
}

const profDir = (stamp) => path.join(root, "bench/results/prof", `streams-${stamp}`);
// V8 stamps profiles with the monotonic clock that process.hrtime reads (as bench/lib/profile-run.mjs).
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);
const profWindows = {};

/** After the server has exited and written its profile: its top functions in each window. */
function printProfile(stamp) {
  const dir = profDir(stamp);
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) return log(`no .cpuprofile in ${dir}`);
  for (const [name, window] of Object.entries(profWindows)) {
    const summary = summarizeProfile(path.join(dir, file), { top: 20, appDir: root, window });
    console.log(`\nCPU profile, ${name} (${path.relative(root, dir)}):`);
    for (const f of summary.functions)
      console.log(`  ${f.pct.toFixed(1).padStart(5)}%  ${f.ms.toFixed(0).padStart(6)} ms  ${f.name}  ${f.where}`);
  }
}

main()
  .then(async (run) => {
    await cleanUp(); // the server exits here, writing its profile
    if (run?.opts.cpuProf) printProfile(run.stamp);
  })
  .then(
    () => process.exit(0),
    async (err) => {
      console.error(`[bench:streams] ${err instanceof Error ? err.stack : err}`);
      await cleanUp();
      process.exit(1);
    },
  );
