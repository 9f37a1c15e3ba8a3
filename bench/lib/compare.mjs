// `npm run bench`: Tollgate against a bare pass-through (and Portkey with --compare portkey, another build of
// Tollgate with --baseline), in turns A B A B per scenario, plus direct-to-mock at 1 connection as the latency baseline.
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { formatScenarios, WIRE_FORMATS } from "./formats.mjs";
import { checkTarget, measureTtfb, runLoad } from "./load.mjs";
import { apiKeyReadCounter, pgBackendCpu } from "./pg-stats.mjs";
import { cpuMs, machineBusyMs, sampleRss, waitForQuiet } from "./proc.mjs";
import {
  addedLatency,
  aggregateRounds,
  checkTargets,
  formatRatios,
  formatReport,
  machineSplit,
  ratios,
  summaryLine,
} from "./report.mjs";
import { mergeSorted, percentile } from "./stats.mjs";
import {
  requestBody,
  startDirect,
  startFloorTarget,
  startPassthroughTarget,
  startPortkey,
  startTollgateTarget,
} from "./targets.mjs";
import { buildId } from "./tollgate.mjs";

export function scenarioList(connections) {
  return [
    { id: `nonstream${connections}`, label: `non-stream @${connections}`, stream: false, connections },
    { id: `stream${connections}`, label: `stream @${connections}`, stream: true, connections },
    { id: "nonstream1", label: "non-stream @1", stream: false, connections: 1 },
    { id: "stream1", label: "stream @1", stream: true, connections: 1 },
    ...formatScenarios(connections),
  ];
}

/** Tollgate serving another wire format than chat completions (the same server, another path and body). */
function formatTarget(tollgate, format) {
  const f = WIRE_FORMATS[format];
  const withFormat = (h) => ({ ...h, ...f.headers });
  return {
    ...tollgate,
    url: tollgate.baseUrl + f.path,
    headers: withFormat(tollgate.headers),
    headerSets: tollgate.headerSets.map(withFormat),
    body: f.body,
  };
}

const bodyFor = (target, scenario) => (target.body ? target.body(scenario.stream) : requestBody(scenario.stream));

const failureKinds = (r) =>
  `(${[
    ...Object.entries(r.statusCodes)
      .filter(([code]) => !code.startsWith("2"))
      .map(([code, n]) => `${n}× ${code}`),
    r.errors ? `${r.errors}× timeout/socket error` : null,
  ]
    .filter(Boolean)
    .join(", ")})`;

/** One measured run: load, then wait until the server is quiet (records written) before reading its CPU. */
async function measure(target, scenario, opts, extras) {
  const rss = sampleRss(target.pid);
  const cpuBefore = cpuMs(target.pid);
  const mockBefore = cpuMs(extras.mockPid);
  const pgCpu = extras.pgCpu[target.name];
  const pgBefore = pgCpu ? await pgCpu.snapshot() : null;
  const machineBefore = machineBusyMs();
  const clientBefore = process.cpuUsage();
  const startedAt = performance.now();
  const load = await runLoad({
    url: target.url,
    headers: target.headers,
    headerSets: target.headerSets,
    body: bodyFor(target, scenario),
    connections: scenario.connections,
    durationS: opts.duration,
  });
  // While the load ran: how busy the machine was, and how many cores the server's process used.
  const during = {
    wallMs: performance.now() - startedAt,
    machineMs: machineBusyMs(),
    serverMs: cpuMs(target.pid),
  };
  await waitForQuiet(target.pid);
  const pgCpuMs = pgBefore ? pgCpu.delta(pgBefore, await pgCpu.snapshot()) : null;
  const client = process.cpuUsage(clientBefore);
  const machineAfter = machineBusyMs();
  const { peakMb } = rss.stop();
  return {
    ...load,
    // The whole machine over the same span, and this process's share: autocannon, the client.
    machineCpuMs: machineBefore === null || machineAfter === null ? null : machineAfter - machineBefore,
    clientCpuMs: (client.user + client.system) / 1000,
    loadWallMs: during.wallMs,
    loadMachineCpuMs: machineBefore === null || during.machineMs === null ? null : during.machineMs - machineBefore,
    loadServerCpuMs: during.serverMs - cpuBefore,
    cpuMs: cpuMs(target.pid) - cpuBefore,
    mockCpuMs: cpuMs(extras.mockPid) - mockBefore,
    pgCpuMs,
    peakRssMb: peakMb,
  };
}

export async function runComparison(ctx) {
  const { root, appDir, opts, log, onCleanup } = ctx;
  const startedAt = new Date();
  const loadBefore = os.loadavg();
  const build = { before: null, after: null };

  const direct = await startDirect(root);
  onCleanup(() => direct.stop());
  log(`mock upstream at ${direct.baseUrl} (pid ${direct.pid})`);
  const tollgate = await startTollgateTarget(appDir, direct.baseUrl, { log, keys: opts.keys });
  onCleanup(() => tollgate.stop());
  build.before = buildId(appDir);
  log(
    `Tollgate ready: server pid ${tollgate.pid}${tollgate.pid !== tollgate.rootPid ? ` (child of next start ${tollgate.rootPid})` : " (next start serves in its own process)"}`,
  );
  const gateways = [tollgate];
  if (opts.baseline) {
    const baselineDir = path.resolve(opts.baseline);
    const nodeArgs = opts["baseline-node-args"]?.split(" ").filter(Boolean) ?? [];
    const baseline = await startTollgateTarget(baselineDir, direct.baseUrl, { log, keys: opts.keys, nodeArgs });
    onCleanup(() => baseline.stop());
    gateways.push({ ...baseline, name: "baseline" });
    log(`baseline Tollgate (${baselineDir}) ready: server pid ${baseline.pid}`);
  }
  if (!opts["no-passthrough"]) {
    const passthrough = await startPassthroughTarget(root, direct.baseUrl);
    onCleanup(() => passthrough.stop());
    gateways.push(passthrough);
  }
  if (opts.compare.includes("floor")) {
    const floor = await startFloorTarget(root, direct.baseUrl);
    onCleanup(() => floor.stop());
    gateways.push(floor);
    log(`billing floor ready: pid ${floor.pid}`);
  }
  if (opts.compare.includes("portkey")) {
    const portkey = await startPortkey(root, direct.baseUrl);
    onCleanup(() => portkey.stop());
    gateways.push(portkey);
    log(`Portkey ready: pid ${portkey.pid}`);
  }
  const all = [...gateways, direct];

  for (const t of all)
    for (const stream of [false, true])
      await checkTarget({ url: t.url, headers: t.headers, body: requestBody(stream), stream });
  const chatTwin = { ...tollgate, name: "chat" };
  const formatTargets = Object.fromEntries(
    Object.keys(WIRE_FORMATS).map((format) => [format, formatTarget(tollgate, format)]),
  );
  for (const [format, t] of Object.entries(formatTargets)) {
    for (const stream of [false, true])
      await checkTarget({
        url: t.url,
        headers: t.headers,
        body: t.body(stream),
        stream,
        answered: WIRE_FORMATS[format].answered,
      });
  }
  if (opts.warmup > 0) {
    log(`warming up each target (${opts.warmup} s non-stream + ${opts.warmup} s stream at 10 connections)`);
    for (const t of gateways)
      for (const stream of [false, true])
        await runLoad({
          url: t.url,
          headers: t.headers,
          headerSets: t.headerSets,
          body: requestBody(stream),
          connections: 10,
          durationS: opts.warmup,
        });
    await waitForQuiet(tollgate.pid);
  }

  const keyReads = await apiKeyReadCounter(tollgate.database.url);
  onCleanup(() => keyReads.close());
  log(
    `counting ApiKey reads with ${keyReads.method}${keyReads.method === "table-stats" ? " (waiting 11 s for PostgreSQL to publish them)" : ""}`,
  );
  const keyReadsBefore = await keyReads.read({ settle: true });
  // The PostgreSQL backends of each server that has a database of its own (Tollgate, the baseline, the floor).
  const pgCpu = {};
  for (const t of gateways) {
    if (!t.database) continue;
    pgCpu[t.name] = await pgBackendCpu(t.database.url, t.database.name);
    onCleanup(() => pgCpu[t.name].close());
  }

  const wanted = opts.scenarios ? opts.scenarios.split(",") : null;
  const scenarios = scenarioList(opts.connections).filter(
    (s) => !wanted || wanted.includes(s.id) || wanted.includes(s.id.replace(/\d+$/, "")),
  );
  let authenticated = 0;
  for (const scenario of scenarios) {
    // A wire format is measured in turns with chat completions on the same server (A B A B), so its
    // ratio compares the same minutes of the machine, not this phase with an earlier one.
    const targets = scenario.format
      ? [chatTwin, formatTargets[scenario.format]]
      : scenario.connections === 1
        ? all
        : gateways;
    const rounds = Object.fromEntries(targets.map((t) => [t.name, []]));
    for (let round = 1; round <= opts.rounds; round++) {
      for (const target of targets) {
        const r = await measure(target, scenario, opts, { mockPid: direct.pid, pgCpu });
        rounds[target.name].push(r);
        if (target.name === "tollgate" || target.name === chatTwin.name) authenticated += r.requests;
        log(
          `${scenario.label.padEnd(16)} round ${round}  ${target.name.padEnd(11)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50?.toFixed(2)} ms  p99 ${r.p99?.toFixed(2)} ms  ` +
            `CPU ${(r.cpuMs / Math.max(1, r.sent)).toFixed(3)} ms/req  RSS ${r.peakRssMb.toFixed(0)} MB${r.errors + r.non2xx ? `  errors ${r.errors + r.non2xx} ${failureKinds(r)}` : ""}`,
        );
      }
    }
    scenario.results = Object.fromEntries(Object.entries(rounds).map(([name, rs]) => [name, aggregateRounds(rs)]));
    scenario.raw = Object.fromEntries(
      Object.entries(rounds).map(([name, rs]) => [name, rs.map(({ latencies: _latencies, ...rest }) => rest)]),
    );
  }

  const ttfb = {};
  if (opts["ttfb-requests"] > 0) {
    const perRound = Math.ceil(opts["ttfb-requests"] / opts.rounds);
    log(`time to first byte: ${perRound * opts.rounds} sequential streams per target, in ${opts.rounds} turns`);
    const samples = Object.fromEntries(all.map((t) => [t.name, { first: [], failures: 0, total: [] }]));
    for (let round = 1; round <= opts.rounds; round++) {
      for (const t of all) {
        const m = await measureTtfb({ url: t.url, headers: t.headers, body: requestBody(true), count: perRound });
        samples[t.name].first.push(m.samples);
        samples[t.name].total.push(m.totalP50);
        samples[t.name].failures += m.failures;
        if (t.name === "tollgate") authenticated += perRound;
      }
    }
    for (const [name, s] of Object.entries(samples)) {
      const first = mergeSorted(s.first);
      ttfb[name] = {
        p50: percentile(first, 50),
        p99: percentile(first, 99),
        totalP50: Math.min(...s.total),
        count: first.length,
        failures: s.failures,
      };
    }
  }

  log("reading ApiKey statistics");
  const keyReadsAfter = await keyReads.read({ settle: true });
  build.after = buildId(appDir);
  const results = {
    kind: "bench",
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    options: opts,
    machine: { cpus: os.cpus().length, node: process.version, loadavgBefore: loadBefore, loadavgAfter: os.loadavg() },
    appDir,
    buildId: build.before,
    buildChanged: build.before !== build.after,
    pids: Object.fromEntries(all.map((t) => [t.name, t.pid])),
    scenarios: scenarios.map(({ id, label, format, stream, connections, results: r, raw }) => ({
      id,
      label,
      format: format ?? "chat",
      stream,
      connections,
      results: r,
      raw,
    })),
    ttfb,
    apiKeyReads: {
      method: keyReads.method,
      reads: keyReadsAfter.reads - keyReadsBefore.reads,
      fkChecks: keyReadsAfter.fkChecks === null ? null : keyReadsAfter.fkChecks - keyReadsBefore.fkChecks,
      requests: authenticated,
    },
  };
  // Failed requests are explained in the server's log (warnings and errors at LOG_LEVEL=warn).
  if (results.scenarios.some((s) => s.results.tollgate?.errors))
    results.tollgateLogTail = tollgate.server.output.trim().split("\n").slice(-20);
  results.added = addedLatency(results.scenarios, ttfb);
  results.ratios = { ...ratios(results.scenarios), ...ratios(results.scenarios, "floor") };
  results.machine.split = machineSplit(results.scenarios);
  results.formats = formatRatios(results.scenarios);
  results.checks = checkTargets(results);
  if (results.buildChanged)
    log(
      "warning: .next/BUILD_ID changed during the run: someone rebuilt under the running server, so some results may be off (--app-dir runs a private copy)",
    );
  return { results, text: formatReport(results), summary: (file) => summaryLine(results, file) };
}
