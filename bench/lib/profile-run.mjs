// `npm run bench -- --profile`: Tollgate's server under `node --cpu-prof`, one non-streaming load (or streaming, with --profile-stream),
// then the top functions by self time — counted over the load only, not start-up. With --profile-alloc, also
// what the load allocated, by function (bench/lib/alloc-sampler.mjs; its sampling slows the server down a little).
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { WIRE_FORMATS } from "./formats.mjs";
import { runLoad } from "./load.mjs";
import { cpuMs, waitForQuiet, waitUntil } from "./proc.mjs";
import { summarizeAllocations, summarizeProfile } from "./profile.mjs";
import { requestBody, startDirect, startTollgateTarget } from "./targets.mjs";

// V8 timestamps profiles with the monotonic clock, the same one process.hrtime reads in any process
// on this machine, so the load's start and end here select the load's samples there.
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

export async function runProfile(ctx) {
  const { root, appDir, opts, log, onCleanup, stamp } = ctx;
  const dir = path.join(root, "bench/results/prof", stamp);
  await mkdir(dir, { recursive: true });
  const direct = await startDirect(root);
  onCleanup(() => direct.stop());
  const alloc = opts["profile-alloc"];
  if (alloc) process.env.BENCH_ALLOC_DIR = dir;
  const tollgate = await startTollgateTarget(appDir, direct.baseUrl, {
    log,
    keys: opts.keys,
    nodeArgs: [
      ...(alloc ? ["--import", pathToFileURL(path.join(root, "bench/lib/alloc-sampler.mjs")).href] : []),
      "--cpu-prof",
      `--cpu-prof-dir=${dir}`,
    ],
  });
  onCleanup(() => tollgate.stop());
  if (tollgate.pid !== tollgate.rootPid)
    log(`warning: next start serves from child ${tollgate.pid}; only process ${tollgate.rootPid} is profiled`);

  const stream = opts["profile-stream"];
  const format = opts["profile-format"];
  if (format && !WIRE_FORMATS[format])
    throw new Error(`--profile-format must be one of ${Object.keys(WIRE_FORMATS).join(", ")}, not '${format}'`);
  const body = format ? WIRE_FORMATS[format].body(stream) : requestBody(stream);
  const withFormat = (h) => (format ? { ...h, ...WIRE_FORMATS[format].headers } : h);
  const target = {
    url: format ? tollgate.baseUrl + WIRE_FORMATS[format].path : tollgate.url,
    headers: withFormat(tollgate.headers),
    headerSets: tollgate.headerSets.map(withFormat),
  };
  if (opts.warmup > 0)
    await runLoad({
      ...target,
      body,
      connections: 10,
      durationS: opts.warmup,
    });
  log(
    `profiling: ${format ?? "chat"} ${stream ? "stream" : "non-stream"} load at ${opts.connections} connections for ${opts.duration} s`,
  );
  await waitForQuiet(tollgate.pid);
  if (alloc) process.kill(tollgate.pid, "SIGUSR2"); // the sampler starts
  const cpuBefore = cpuMs(tollgate.pid);
  const window = [monotonicUs()];
  const load = await runLoad({
    ...target,
    body,
    connections: opts.connections,
    durationS: opts.duration,
  });
  await waitForQuiet(tollgate.pid);
  window.push(monotonicUs());
  const cpuPerRequest = (cpuMs(tollgate.pid) - cpuBefore) / Math.max(1, load.sent);
  log(
    `${load.rps.toFixed(0)} req/s, p50 ${load.p50?.toFixed(2)} ms, ${cpuPerRequest.toFixed(3)} ms CPU/request; stopping the server (SIGTERM) so it writes the profile`,
  );

  const exit = await tollgate.server.stop("SIGTERM");
  await waitUntil("the .cpuprofile file", async () => (await readdir(dir)).some((f) => f.endsWith(".cpuprofile")), {
    timeoutMs: 10_000,
  }).catch(() => {});
  const files = (await readdir(dir)).filter((f) => f.endsWith(".cpuprofile"));
  if (!files.length) throw new Error(`no .cpuprofile in ${dir} (server exit: ${JSON.stringify(exit)})`);
  const file = path.join(dir, files.sort().at(-1));
  await writeFile(path.join(dir, "window.json"), JSON.stringify({ window, requests: load.sent, cpuPerRequest }));
  const summary = summarizeProfile(file, { top: opts["profile-top"], appDir, window });
  let text = formatProfile(summary, load.sent, opts["profile-top"], cpuPerRequest);
  let allocations;
  if (alloc) {
    const heap = (await readdir(dir)).find((f) => f.endsWith(".heapprofile"));
    if (!heap) throw new Error(`no .heapprofile in ${dir} (server exit: ${JSON.stringify(exit)})`);
    allocations = summarizeAllocations(path.join(dir, heap), { top: opts["profile-top"], appDir });
    text += `\n\n${formatAllocations(allocations, load.sent)}`;
  }
  const results = {
    kind: "profile",
    options: opts,
    window,
    load: {
      rps: load.rps,
      p50: load.p50,
      p99: load.p99,
      requests: load.requests,
      errors: load.errors + load.non2xx,
      cpuPerRequest,
    },
    ...summary,
    allocations,
  };
  return {
    results,
    text,
    summary: (out) =>
      `bench --profile: ${load.rps.toFixed(0)} req/s under the profiler; top: ${summary.functions
        .slice(0, 3)
        .map((f) => `${f.name} ${f.pct.toFixed(1)}%`)
        .join(", ")} → ${out}`,
  };
}

/** `--analyze FILE`: the same report for a profile taken earlier (its load window read from window.json beside it). */
export function analyzeProfile(file, { appDir, top }) {
  const windowFile = path.join(path.dirname(file), "window.json");
  const saved = existsSync(windowFile) ? JSON.parse(readFileSync(windowFile, "utf8")) : {};
  const summary = summarizeProfile(file, { top, appDir, window: saved.window });
  return {
    results: { kind: "profile-analysis", ...summary },
    text: formatProfile(summary, saved.requests ?? 0, top, saved.cpuPerRequest),
    summary: (out) => `bench --analyze: ${file} → ${out}`,
  };
}

function formatProfile(summary, requests, top, cpuPerRequest) {
  return [
    `profile: ${summary.file}`,
    `load window ${(summary.windowMs / 1000).toFixed(1)} s, main thread busy ${(summary.busyMs / 1000).toFixed(1)} s` +
      (requests ? ` for ${requests} requests (${(summary.busyMs / requests).toFixed(3)} ms each)` : "") +
      (cpuPerRequest
        ? `; CPU time from /proc ${cpuPerRequest.toFixed(3)} ms/request (busy time counts wall time, so it is higher on a contended machine)`
        : ""),
    "",
    ...rankedLists(summary, (f) => `${f.ms.toFixed(0).padStart(7)} ms`, {
      functions: `Top ${top} functions by self time (% of busy time; native work shows who called it):`,
      caller: "from",
      owners: "Time by owner (native and node: core time charged to the package or app file that called it):",
      inclusive: "Tollgate's own functions by inclusive time:",
    }),
  ].join("\n");
}

function formatAllocations(summary, requests) {
  const perRequest = (bytes) => (bytes / 1024 / Math.max(1, requests)).toFixed(1);
  return [
    `allocations: ${summary.file}`,
    `${(summary.bytes / 1024 / 1024).toFixed(0)} MB sampled from the load's start to the exit (freed ones included), ` +
      `${perRequest(summary.bytes)} KB per request sent`,
    "",
    ...rankedLists(summary, (f) => `${perRequest(f.bytes).padStart(6)} KB`, {
      functions: "Top functions by bytes they allocated themselves (KB per request; node: core's also name who asked):",
      caller: "for",
      owners: "Bytes by owner (the package or app file whose call allocated):",
      inclusive: "Tollgate's own functions by inclusive bytes:",
    }),
  ].join("\n");
}

/** A summary's three ranked lists (functions with their callers, owners, the app's inclusive), each entry by `amount` and share. */
function rankedLists(summary, amount, headings) {
  const pct = (f) => `${f.pct.toFixed(1).padStart(5)}%`;
  const callers = (f) =>
    f.callers.length
      ? `\n${f.callers.map((c) => `${" ".repeat(22)}↳ ${c.pct.toFixed(1)}% ${headings.caller} ${c.name}  ${c.where}`).join("\n")}`
      : "";
  return [
    headings.functions,
    ...summary.functions.map(
      (f, i) => `${String(i + 1).padStart(3)}. ${pct(f)} ${amount(f)}  ${f.name}  ${f.where}${callers(f)}`,
    ),
    "",
    headings.owners,
    ...summary.owners.map((f) => `     ${pct(f)} ${amount(f)}  ${f.name}`),
    "",
    headings.inclusive,
    ...summary.appInclusive.map((f) => `     ${pct(f)} ${amount(f)}  ${f.name}  ${f.where}`),
  ];
}
