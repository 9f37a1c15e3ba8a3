// Large inputs (issue 26, item 6): what a 1 MB prompt costs Tollgate over a 1 KB one, beyond the
// upstream's own time, and how long the server's event loop is held while 1 MB prompts go through.
//
//   npm run bench:large                         end to end (PostgreSQL + Redis), then the prompt-walk micro-bench
//   npm run bench:large -- --requests 300       more requests per size and target
//   npm run bench:large -- --profile            the 1 MB phase under `node --cpu-prof`: top functions
//   npm run bench:large -- --micro-only         only the micro-bench (no server)
//
// Options (defaults in brackets):
//   --requests N [150]   measured requests per size and target      --warmup N [15]   unmeasured, per size and target
//   --small N [1024]     characters of the small user message
//   --large N            characters of the large one [the most whose body still takes the direct path: 1 MiB]
//   --loop-requests N [100] sequential requests per size for the event-loop phases
//   --pause MS [0]       wait this long after each Tollgate request before the next pair: its record is
//                        written (the recorder's 25 ms linger, then the batch) before the next is timed,
//                        so the figures are each request's own way, not the settlement of the one before
//   --no-micro           skip the micro-bench                        --app-dir DIR     serve a built copy from DIR
//   --baseline DIR       also a second Tollgate served from another built copy (e.g. main's), measured in
//                        the same turns: before/after on the same machine state
//
// Both sizes stay on the direct gateway path of scripts/serve.mjs (bodies of at most 1 MiB with a
// Content-Length); the run checks that the large body fits. Requests are sequential on one keep-alive
// connection per target and interleaved (direct 1 KB, Tollgate 1 KB, direct 1 MB, Tollgate 1 MB, …),
// so a load spike on this shared machine hits every series alike. "direct" is the mock upstream
// itself with the same body: Tollgate − direct is what Tollgate adds, the upstream's own time excluded.
import { spawnSync } from "node:child_process";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { headerHelp } from "./lib/help.mjs";
import { pgBackendCpu } from "./lib/pg-stats.mjs";
import { waitForQuiet, waitUntil } from "./lib/proc.mjs";
import { summarizeProfile } from "./lib/profile.mjs";
import { percentile } from "./lib/stats.mjs";
import { startDirect, startTollgateTarget } from "./lib/targets.mjs";
import { MODEL_ID } from "./mock-upstream.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const log = (message) => console.log(`[bench:large] ${message}`);
/** scripts/serve.mjs: bodies up to this many bytes (with a Content-Length) take the direct path. */
const DIRECT_BODY_MAX = 1024 * 1024;
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

function options() {
  const { values } = parseArgs({
    options: {
      requests: { type: "string", default: "150" },
      warmup: { type: "string", default: "15" },
      small: { type: "string", default: "1024" },
      large: { type: "string" },
      "loop-requests": { type: "string", default: "100" },
      pause: { type: "string", default: "0" },
      "no-micro": { type: "boolean", default: false },
      "micro-only": { type: "boolean", default: false },
      profile: { type: "boolean", default: false },
      "app-dir": { type: "string" },
      baseline: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  for (const name of ["requests", "warmup", "small", "large", "loop-requests", "pause"]) {
    if (values[name] === undefined) continue;
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`--${name} must be a non-negative integer, not '${values[name]}'`);
    values[name] = n;
  }
  return values;
}

/** Prose-like ASCII text of exactly `chars` characters (words, spaces, a newline now and then). */
export function promptOf(chars) {
  const line = "The quick brown fox jumps over the lazy dog while the gateway counts every token. ";
  let text = "";
  while (text.length < chars) text += text.length % 800 < line.length ? `${line.trimEnd()}\n` : line;
  return text.slice(0, chars);
}

const bodyOf = (chars) =>
  Buffer.from(
    JSON.stringify({ model: MODEL_ID, max_tokens: 64, messages: [{ role: "user", content: promptOf(chars) }] }),
  );

/** One sequential POST on a keep-alive agent: wall time to the last byte, status and the cost header. */
function post(target, agent, body) {
  const url = new URL(target.url);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: { ...target.headers, "content-length": body.length },
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () =>
          resolve({
            ms: performance.now() - started,
            status: res.statusCode,
            cost: res.headers["x-tollgate-cost"],
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function timedPost(target, agent, body) {
  const r = await post(target, agent, body);
  if (r.status !== 200) throw new Error(`${target.name} answered ${r.status}: ${r.text.slice(0, 300)}`);
  if (target.name !== "direct" && !(Number(r.cost) > 0)) throw new Error(`${target.name} did not charge: ${r.cost}`);
  return r.ms;
}

const summary = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
};

/**
 * A B A B: per iteration, each size against the mock, then each gateway (Tollgate, and the baseline
 * build when given); each gateway's time minus the mock's just before gives its added time.
 */
async function interleaved({ direct, gateways, bodies, requests, warmup, pause }) {
  const agents = new Map([direct, ...gateways].map((t) => [t.name, new http.Agent({ keepAlive: true })]));
  const series = Object.fromEntries(
    Object.keys(bodies).map((size) => [
      size,
      Object.fromEntries([direct, ...gateways].map((t) => [t.name, t === direct ? [] : { ms: [], added: [] }])),
    ]),
  );
  for (let i = 0; i < warmup + requests; i++) {
    for (const [size, body] of Object.entries(bodies)) {
      const d = await timedPost(direct, agents.get("direct"), body);
      const times = [];
      for (const g of gateways) {
        times.push(await timedPost(g, agents.get(g.name), body));
        if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
      }
      if (i < warmup) continue;
      series[size].direct.push(d);
      gateways.forEach((g, k) => {
        series[size][g.name].ms.push(times[k]);
        series[size][g.name].added.push(times[k] - d);
      });
    }
  }
  for (const agent of agents.values()) agent.destroy();
  return series;
}

/** prom-client's default metrics sample the event loop every 10 ms; each scrape reads and resets that histogram. */
async function scrapeEventLoop(tollgate) {
  const res = await fetch(`${tollgate.baseUrl}/api/metrics`, {
    headers: { authorization: `Bearer ${tollgate.adminToken}` },
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`/api/metrics answered ${res.status}: ${text.slice(0, 200)}`);
  const read = (name) => Number(new RegExp(`^${name} ([\\d.e+-]+)$`, "m").exec(text)?.[1]) * 1000;
  // The histogram records the interval between 10 ms ticks: the delay is what exceeds the 10 ms.
  const delay = (ms) => Math.max(0, ms - 10);
  return {
    maxMs: delay(read("nodejs_eventloop_lag_max_seconds")),
    p99Ms: delay(read("nodejs_eventloop_lag_p99_seconds")),
    p50Ms: delay(read("nodejs_eventloop_lag_p50_seconds")),
  };
}

/**
 * Only one size, sequentially, between two scrapes: the event-loop delay while those requests run,
 * and the CPU its PostgreSQL backends spent on them (their records included: read once the server
 * is quiet again, after the recorder's linger).
 */
async function eventLoopPhase(tollgate, body, requests) {
  const agent = new http.Agent({ keepAlive: true });
  const pg = await pgBackendCpu(tollgate.database.url, tollgate.database.name);
  try {
    await waitForQuiet(tollgate.pid);
    await scrapeEventLoop(tollgate); // resets the histogram
    const before = await pg.snapshot();
    const latencies = [];
    for (let i = 0; i < requests; i++) latencies.push(await timedPost(tollgate, agent, body));
    const loop = await scrapeEventLoop(tollgate);
    await waitForQuiet(tollgate.pid);
    const pgCpuMs = pg.delta(before, await pg.snapshot()) / requests;
    return { ...loop, pgCpuMs, latency: summary(latencies) };
  } finally {
    agent.destroy();
    await pg.close();
  }
}

const f = (ms) => (ms === null || ms === undefined ? "   –" : ms.toFixed(2).padStart(7));

function formatRun({ sizes, series, loop, load, gateways, pause }) {
  const lines = [
    `Large inputs — sequential, interleaved A B A B, ${pause ? `${pause} ms pause after each Tollgate request` : "back to back"}; load average ${load.before.map((l) => l.toFixed(1)).join(" ")} before, ${load.after.map((l) => l.toFixed(1)).join(" ")} after (${os.cpus().length} cores)`,
    "",
    "size     body bytes  gateway    direct p50/p99    gateway p50/p99   added (gateway − direct, per pair) p50/p99",
  ];
  const added = {};
  for (const [size, s] of Object.entries(series)) {
    const d = summary(s.direct);
    for (const g of gateways) {
      const t = summary(s[g.name].ms);
      (added[g.name] ??= {})[size] = summary(s[g.name].added);
      lines.push(
        `${size.padEnd(8)} ${String(sizes[size]).padStart(10)}  ${g.name.padEnd(9)} ${f(d.p50)} ${f(d.p99)}   ${f(t.p50)} ${f(t.p99)}   ${f(added[g.name][size].p50)} ${f(added[g.name][size].p99)}   (n=${d.n})`,
      );
    }
  }
  const [small, large] = Object.keys(series);
  const diff = {};
  lines.push("");
  for (const g of gateways) {
    const a = added[g.name];
    diff[g.name] = { p50: a[large].p50 - a[small].p50, p99: a[large].p99 - a[small].p99 };
    lines.push(
      `${g.name}: ${large} − ${small} of the added time: p50 ${diff[g.name].p50.toFixed(2)} ms, p99 ${diff[g.name].p99.toFixed(2)} ms (target: ≤ 3 ms)`,
    );
  }
  lines.push(
    "",
    "Event-loop delay in the server (prom-client monitorEventLoopDelay, 10 ms ticks), one size at a time:",
    ...Object.entries(loop).flatMap(([name, bySize]) =>
      Object.entries(bySize).map(
        ([size, l]) =>
          `${name.padEnd(9)} ${size.padEnd(6)} max ${f(l.maxMs)} ms  p99 ${f(l.p99Ms)} ms  p50 ${f(l.p50Ms)} ms   (${l.latency.n} requests, p50 ${l.latency.p50.toFixed(2)} ms; PostgreSQL ${l.pgCpuMs.toFixed(2)} ms CPU each)`,
      ),
    ),
  );
  return { text: lines.join("\n"), added, diff };
}

/** The prompt-walk micro-bench (TypeScript, through tsx as scripts/cli.mjs runs the CLI). */
function runMicro() {
  const micro = spawnSync(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", path.join(root, "bench/lib/prompt-walks.ts")],
    { cwd: root, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", env: { ...process.env, NODE_ENV: "test" } },
  );
  if (micro.status !== 0) throw new Error(`the micro-bench failed (exit ${micro.status})`);
  return JSON.parse(micro.stdout.trim().split("\n").at(-1));
}

function formatMicro(micro) {
  const head = `${"function".padEnd(44)}${micro.sizes.map((s) => s.label.padStart(11)).join("")}   ms per MB at each size`;
  return [
    `Prompt walks on the request path (fastest of repeated runs, ms; the median is in the JSON), load average ${micro.load.map((l) => l.toFixed(1)).join(" ")}:`,
    head,
    ...micro.rows.map(
      (r) =>
        `${r.name.padEnd(44)}${r.ms.map((ms) => ms.toFixed(3).padStart(11)).join("")}   ${r.perMb.map((v) => v.toFixed(2)).join(" / ")}`,
    ),
  ].join("\n");
}

async function main() {
  const opts = options();
  if (opts.help) {
    console.log(headerHelp(import.meta.url));
    return;
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
  const results = { kind: "large-inputs", options: opts, machine: { cpus: os.cpus().length, node: process.version } };
  const texts = [];
  if (!opts["micro-only"]) Object.assign(results, await endToEnd(opts, stamp, texts));
  if (!opts["no-micro"]) {
    log("micro-bench: every pass over the prompt at 1 KB, 100 KB, 1 MB, 4 MB");
    results.micro = runMicro();
    texts.push(formatMicro(results.micro));
  }
  const dir = path.join(root, "bench/results");
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `large-inputs-${stamp}.json`);
  await writeFile(file, JSON.stringify(results, null, 2));
  console.log(`\n${texts.join("\n\n")}\n\n→ ${path.relative(root, file)}`);
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

/** The longest user message whose request body still fits the direct path (JSON escapes add bytes). */
function largestDirectPrompt() {
  let chars = DIRECT_BODY_MAX;
  for (let bytes = bodyOf(chars).length; bytes > DIRECT_BODY_MAX; bytes = bodyOf(chars).length)
    chars -= bytes - DIRECT_BODY_MAX;
  return chars;
}

async function endToEnd(opts, stamp, texts) {
  const sizes = { "1 KB": opts.small, "1 MB": opts.large ?? largestDirectPrompt() };
  const bodies = Object.fromEntries(Object.entries(sizes).map(([size, chars]) => [size, bodyOf(chars)]));
  const bodyBytes = Object.fromEntries(Object.entries(bodies).map(([size, b]) => [size, b.length]));
  for (const [size, bytes] of Object.entries(bodyBytes))
    if (bytes > DIRECT_BODY_MAX)
      throw new Error(`the ${size} body is ${bytes} bytes: over the direct path's ${DIRECT_BODY_MAX}; lower --large`);
  log(
    `bodies: ${Object.entries(bodyBytes)
      .map(([s, b]) => `${s} = ${b} bytes`)
      .join(", ")} (both on the direct path)`,
  );

  const appDir = path.resolve(opts["app-dir"] ?? root);
  const profDir = path.join(root, "bench/results/prof", `large-${stamp}`);
  if (opts.profile) await mkdir(profDir, { recursive: true });
  const direct = await startDirect(root);
  cleanups.push(() => direct.stop());
  const tollgate = await startTollgateTarget(appDir, direct.baseUrl, {
    log,
    nodeArgs: opts.profile ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : [],
  });
  cleanups.push(() => tollgate.stop());
  const gateways = [tollgate];
  if (opts.baseline) {
    const baseline = await startTollgateTarget(path.resolve(opts.baseline), direct.baseUrl, { log });
    cleanups.push(() => baseline.stop());
    gateways.push({ ...baseline, name: "baseline" });
  }

  try {
    const load = { before: os.loadavg() };
    log(
      `interleaved: ${opts.warmup} + ${opts.requests} requests per size and target${opts.pause ? `, ${opts.pause} ms after each Tollgate request` : ", back to back"}`,
    );
    const series = await interleaved({
      direct,
      gateways,
      bodies,
      requests: opts.requests,
      warmup: opts.warmup,
      pause: opts.pause,
    });
    log("event-loop phases: per gateway, 1 KB only, then 1 MB only");
    const loop = {};
    let window = null;
    for (const g of gateways)
      for (const [size, body] of Object.entries(bodies)) {
        const profiled = g === tollgate && size === "1 MB";
        if (profiled) window = [monotonicUs()];
        (loop[g.name] ??= {})[size] = await eventLoopPhase(g, body, opts["loop-requests"]);
        if (profiled) window.push(monotonicUs());
      }
    load.after = os.loadavg();
    const run = formatRun({ sizes: bodyBytes, series, loop, load, gateways, pause: opts.pause });
    texts.push(run.text);
    const out = { sizes: bodyBytes, series, added: run.added, difference: run.diff, eventLoop: loop, load };
    if (opts.profile) {
      await tollgate.server.stop("SIGTERM");
      await waitUntil(
        "the .cpuprofile file",
        async () => (await readdir(profDir)).some((n) => n.endsWith(".cpuprofile")),
        {
          timeoutMs: 10_000,
        },
      );
      const file = path.join(
        profDir,
        (await readdir(profDir))
          .filter((n) => n.endsWith(".cpuprofile"))
          .sort()
          .at(-1),
      );
      await writeFile(path.join(profDir, "window.json"), JSON.stringify({ window, requests: opts["loop-requests"] }));
      const prof = summarizeProfile(file, { top: 25, appDir, window });
      out.profile = { file: path.relative(root, file), functions: prof.functions, appInclusive: prof.appInclusive };
      texts.push(
        [
          `Profile of the 1 MB phase (${opts["loop-requests"]} requests, busy ${prof.busyMs.toFixed(0)} ms): ${path.relative(root, file)}`,
          ...prof.functions.map(
            (fn) => `  ${fn.pct.toFixed(1).padStart(5)}% ${fn.ms.toFixed(0).padStart(6)} ms  ${fn.name}  ${fn.where}`,
          ),
          "Tollgate's own functions by inclusive time:",
          ...prof.appInclusive.map(
            (fn) => `  ${fn.pct.toFixed(1).padStart(5)}% ${fn.ms.toFixed(0).padStart(6)} ms  ${fn.name}  ${fn.where}`,
          ),
        ].join("\n"),
      );
    }
    return out;
  } finally {
    await cleanUp();
  }
}

main().then(
  () => process.exit(0),
  async (err) => {
    console.error(`[bench:large] ${err instanceof Error ? err.stack : err}`);
    await cleanUp();
    process.exit(1);
  },
);
