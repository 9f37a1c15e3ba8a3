// `npm run bench:soak`: Tollgate under moderate mixed load (half streaming) for N minutes, its RSS
// sampled every 5 s; a least-squares slope after the warm-up tells whether memory grows.
import { runLoad } from "./load.mjs";
import { apiKeyReadCounter } from "./pg-stats.mjs";
import { rssMb } from "./proc.mjs";
import { linearRegression } from "./stats.mjs";
import { requestBody, startDirect, startTollgateTarget } from "./targets.mjs";

const SAMPLE_EVERY_MS = 5_000;

export async function runSoak(ctx) {
  const { root, appDir, opts, log, onCleanup } = ctx;
  const minutes = opts["soak-minutes"];
  const connections = Math.max(2, opts["soak-connections"]);
  const direct = await startDirect(root);
  onCleanup(() => direct.stop());
  const tollgate = await startTollgateTarget(appDir, direct.baseUrl, { log, keys: opts.keys });
  onCleanup(() => tollgate.stop());
  const keyReads = await apiKeyReadCounter(tollgate.database.url);
  onCleanup(() => keyReads.close());
  const keyReadsBefore = await keyReads.read({ settle: true });

  log(`soak: ${minutes} min at ${connections} connections (half streaming), RSS every ${SAMPLE_EVERY_MS / 1000} s`);
  const startedAt = Date.now();
  const samples = [];
  let lastPrintedMinute = -1;
  const timer = setInterval(() => {
    const mb = rssMb(tollgate.pid);
    if (mb === null) return;
    const min = (Date.now() - startedAt) / 60_000;
    samples.push({ x: min, y: mb });
    if (Math.floor(min) > lastPrintedMinute) {
      lastPrintedMinute = Math.floor(min);
      log(`  ${min.toFixed(1).padStart(5)} min  RSS ${mb.toFixed(0)} MB`);
    }
  }, SAMPLE_EVERY_MS);
  let loads;
  try {
    const durationS = Math.round(minutes * 60);
    const half = Math.floor(connections / 2);
    loads = await Promise.all([
      runLoad({
        url: tollgate.url,
        headers: tollgate.headers,
        headerSets: tollgate.headerSets,
        body: requestBody(false),
        connections: connections - half,
        durationS,
      }),
      runLoad({
        url: tollgate.url,
        headers: tollgate.headers,
        headerSets: tollgate.headerSets,
        body: requestBody(true),
        connections: half,
        durationS,
      }),
    ]);
  } finally {
    clearInterval(timer);
  }
  const keyReadsAfter = await keyReads.read({ settle: true });

  // The first minute (or tenth of the run) is warm-up: JIT, pools and caches fill up.
  const warmupMin = Math.min(1, minutes / 10);
  const steady = samples.filter((s) => s.x >= warmupMin);
  const fit = linearRegression(steady);
  const secondHalf = linearRegression(steady.filter((s) => s.x >= (warmupMin + minutes) / 2));
  const medianMb = steady.map((s) => s.y).sort((a, b) => a - b)[Math.floor(steady.length / 2)] ?? 0;
  const projectedGrowthMb = fit.slope * (minutes - warmupMin);
  const flat = Math.abs(projectedGrowthMb) <= Math.max(10, 0.05 * medianMb);
  const results = {
    kind: "soak",
    options: opts,
    minutes,
    connections,
    requests: loads.reduce((n, l) => n + l.requests, 0),
    errors: loads.reduce((n, l) => n + l.errors + l.non2xx, 0),
    rps: loads.reduce((n, l) => n + l.rps, 0),
    rss: {
      samples,
      warmupMin,
      slopeMbPerMin: fit.slope,
      r2: fit.r2,
      secondHalfSlopeMbPerMin: secondHalf.slope,
      medianMb,
      peakMb: Math.max(...samples.map((s) => s.y)),
      projectedGrowthMb,
      flat,
    },
    apiKeyReads: { method: keyReads.method, reads: keyReadsAfter.reads - keyReadsBefore.reads },
  };
  const text = [
    `soak: ${results.requests} requests in ${minutes} min (${results.rps.toFixed(0)} req/s, ${results.errors} errors)`,
    `RSS after warm-up: median ${medianMb.toFixed(0)} MB, peak ${results.rss.peakMb.toFixed(0)} MB`,
    `trend: ${fit.slope.toFixed(3)} MB/min (r² ${fit.r2.toFixed(2)}), second half ${secondHalf.slope.toFixed(3)} MB/min → ${projectedGrowthMb.toFixed(1)} MB over the run: ${flat ? "flat" : "GROWING"}`,
    `ApiKey reads during the soak (${keyReads.method}): ${results.apiKeyReads.reads} (a full reload of the key index is due every 5 min)`,
  ].join("\n");
  const summary = (file) =>
    `bench:soak: ${minutes} min, ${results.rps.toFixed(0)} req/s, RSS ${medianMb.toFixed(0)} MB median, slope ${fit.slope.toFixed(3)} MB/min: ${flat ? "flat" : "GROWING"} → ${file}`;
  return { results, text, summary };
}
