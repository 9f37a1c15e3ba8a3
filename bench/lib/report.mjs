// Turns measurements into the results object, the printed table and the one-line summary.
import os from "node:os";
import { mean, mergeSorted, percentile } from "./stats.mjs";

// The issues' targets (issue 7, and issue 26 item 5), checked against each run.
export const TARGETS = {
  throughputVsPortkey: 1.5,
  addedP50Ms: 1,
  addedP99Ms: 5,
  ttfbAddedMs: 2,
  peakRssMb: 300,
  /** A wire format's throughput over chat completions' in the same run (issue 21). */
  formatVsChat: 0.9,
  /** Near the ceiling (issue 26, item 5): req/s over the bare pass-through's at --connections, and added p50 at one. */
  throughputVsPassthrough: 0.85,
  addedP50MsNearCeiling: 0.5,
};

/** Aggregates the rounds of one target in one scenario. */
export function aggregateRounds(rounds) {
  const requests = rounds.reduce((n, r) => n + r.requests, 0);
  const sent = rounds.reduce((n, r) => n + r.sent, 0);
  const cpuMs = rounds.reduce((n, r) => n + r.cpuMs, 0);
  const pgCpu = rounds.every((r) => r.pgCpuMs !== null) ? rounds.reduce((n, r) => n + r.pgCpuMs, 0) : null;
  const sum = (key) =>
    rounds.every((r) => typeof r[key] === "number") ? rounds.reduce((n, r) => n + r[key], 0) : null;
  const machineCpu = sum("machineCpuMs");
  const loadWallMs = sum("loadWallMs");
  const loadMachineCpu = sum("loadMachineCpuMs");
  const loadServerCpu = sum("loadServerCpuMs");
  const perSent = (v) => (v !== null && sent ? v / sent : null);
  const latencies = mergeSorted(rounds.map((r) => r.latencies));
  return {
    rps: mean(rounds.map((r) => r.rps)),
    rpsPerRound: rounds.map((r) => round1(r.rps)),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    requests,
    errors: rounds.reduce((n, r) => n + r.errors + r.non2xx, 0),
    failures: failureCodes(rounds),
    // CPU over the run and the writing of its records afterwards, per request sent (the few cut off
    // in flight when the run stops were mostly served too).
    cpuMsPerReq: sent ? cpuMs / sent : null,
    pgCpuMsPerReq: pgCpu !== null && sent ? pgCpu / sent : null,
    // The whole machine's CPU per request, and the shares that are known: the load generator (this
    // process) and the mock upstream. While the load ran: the machine's CPU over all its cores' time,
    // and the cores the server's process kept busy (a Node process runs its JavaScript on one thread).
    machineCpuMsPerReq: perSent(machineCpu),
    clientCpuMsPerReq: perSent(sum("clientCpuMs")),
    mockCpuMsPerReq: perSent(sum("mockCpuMs")),
    machineBusy: loadMachineCpu !== null && loadWallMs ? loadMachineCpu / (loadWallMs * os.cpus().length) : null,
    serverCores: loadServerCpu !== null && loadWallMs ? loadServerCpu / loadWallMs : null,
    peakRssMb: Math.max(...rounds.map((r) => r.peakRssMb)),
  };
}

/** Non-2xx status codes (and socket errors/timeouts) seen over the rounds, e.g. { "503": 4, "socket": 1 }. */
function failureCodes(rounds) {
  const out = {};
  for (const r of rounds) {
    for (const [code, n] of Object.entries(r.statusCodes ?? {}))
      if (!code.startsWith("2")) out[code] = (out[code] ?? 0) + n;
    if (r.errors) out.socket = (out.socket ?? 0) + r.errors;
  }
  return out;
}

const round1 = (v) => (v === null || v === undefined ? null : Math.round(v * 10) / 10);
const round3 = (v) => (v === null || v === undefined ? null : Math.round(v * 1000) / 1000);
const fmt = (v, digits = 2) => (v === null || v === undefined || Number.isNaN(v) ? "–" : v.toFixed(digits));
const ratio = (a, b) => (a && b ? a / b : null);

/** Added latency of each target over direct-to-mock at 1 connection, and TTFB added over the mock's. */
export function addedLatency(scenarios, ttfb) {
  const added = {};
  for (const s of scenarios.filter((x) => x.connections === 1)) {
    const direct = s.results.direct;
    if (!direct) continue;
    for (const [name, r] of Object.entries(s.results)) {
      if (name === "direct") continue;
      (added[name] ??= {})[s.stream ? "stream" : "nonStream"] = { p50: r.p50 - direct.p50, p99: r.p99 - direct.p99 };
    }
  }
  if (ttfb.direct) {
    for (const [name, t] of Object.entries(ttfb)) {
      if (name !== "direct") (added[name] ??= {}).ttfb = { p50: t.p50 - ttfb.direct.p50, p99: t.p99 - ttfb.direct.p99 };
    }
  }
  return added;
}

export function ratios(scenarios, subject = "tollgate") {
  const out = {};
  for (const other of ["portkey", "passthrough", "baseline", "floor"]) {
    if (other === subject) continue;
    for (const s of scenarios) {
      const a = s.results[subject];
      const b = s.results[other];
      if (!a || !b) continue;
      (out[`${subject}/${other}`] ??= {})[s.id] = {
        rps: round3(ratio(a.rps, b.rps)),
        cpuPerReq: round3(ratio(a.cpuMsPerReq, b.cpuMsPerReq)),
      };
    }
  }
  return out;
}

/**
 * Where one request's CPU went on the whole machine, Tollgate against the pass-through, at each load
 * of more than one connection (issue 26, item 5), and what limited each: a machine whose cores are
 * all busy, or the server's own process (about one core busy, its JavaScript thread full). In the
 * second case req/s follow the server's CPU per request (`fromServer`), and `budget` is what
 * Tollgate's process may spend per request to reach the target ratio.
 */
export function machineSplit(scenarios) {
  const out = {};
  for (const s of scenarios.filter((x) => x.connections > 1 && (x.format ?? "chat") === "chat")) {
    const t = s.results.tollgate;
    const p = s.results.passthrough;
    if (!t?.machineCpuMsPerReq || !p?.machineCpuMsPerReq) continue;
    const split = (r) => {
      const known = [r.cpuMsPerReq, r.pgCpuMsPerReq ?? 0, r.mockCpuMsPerReq ?? 0, r.clientCpuMsPerReq ?? 0];
      return {
        machine: round3(r.machineCpuMsPerReq),
        server: round3(r.cpuMsPerReq),
        pg: round3(r.pgCpuMsPerReq),
        mock: round3(r.mockCpuMsPerReq),
        client: round3(r.clientCpuMsPerReq),
        rest: round3(r.machineCpuMsPerReq - known.reduce((a, b) => a + b, 0)),
        busy: round3(r.machineBusy),
        serverCores: round3(r.serverCores),
      };
    };
    out[s.id] = {
      label: s.label,
      tollgate: split(t),
      passthrough: split(p),
      measured: round3(ratio(t.rps, p.rps)),
      fromMachine: round3(p.machineCpuMsPerReq / t.machineCpuMsPerReq),
      fromServer: round3(ratio(p.cpuMsPerReq, t.cpuMsPerReq)),
      budget: round3(p.cpuMsPerReq / TARGETS.throughputVsPassthrough),
    };
  }
  return out;
}

/** Each wire format's Tollgate throughput over chat completions' in the scenario of the same streaming and connections. */
export function formatRatios(scenarios) {
  const out = {};
  for (const s of scenarios.filter((x) => x.format && x.format !== "chat")) {
    const chat = scenarios.find(
      (c) => (c.format ?? "chat") === "chat" && c.stream === s.stream && c.connections === s.connections,
    );
    const a = s.results.tollgate;
    // Chat completions measured in the same turns when the run did so, else its own scenario.
    const b = s.results.chat ?? chat?.results.tollgate;
    (out[s.format] ??= {})[s.stream ? "stream" : "nonStream"] = {
      rps: round3(ratio(a?.rps, b?.rps)),
      cpuPerReq: round3(ratio(a?.cpuMsPerReq, b?.cpuMsPerReq)),
    };
  }
  return out;
}

/** Each target of the issue: met, missed, or not measured in this run. */
export function checkTargets({ scenarios, added, apiKeyReads, formats = {} }) {
  const checks = [];
  const pass = (name, value, limit, ok, unit = "") =>
    checks.push({ name, value: value === null ? null : round3(value), limit, unit, ok: value === null ? null : ok });
  for (const [format, kinds] of Object.entries(formats)) {
    for (const [kind, v] of Object.entries(kinds)) {
      pass(
        `${format} ${kind === "stream" ? "stream " : ""}throughput vs chat completions`,
        v.rps,
        `≥ ${TARGETS.formatVsChat}×`,
        v.rps >= TARGETS.formatVsChat,
        "×",
      );
    }
  }
  // Throughput against the other gateways: Portkey (issue 7) and the bare pass-through (issue 26, item 5).
  const against = [
    ["portkey", "Portkey", TARGETS.throughputVsPortkey],
    ["passthrough", "the pass-through (issue 26)", TARGETS.throughputVsPassthrough],
  ];
  for (const [other, name, target] of against) {
    for (const s of scenarios.filter((x) => x.connections > 1 && (x.format ?? "chat") === "chat")) {
      const b = s.results[other];
      const r = b ? ratio(s.results.tollgate?.rps, b.rps) : null;
      pass(`throughput ${s.label} vs ${name}`, r, `≥ ${target}×`, r !== null && r >= target, "×");
    }
  }
  const a = added.tollgate ?? {};
  pass(
    "added p50 @1 conn, non-stream, near the ceiling (issue 26)",
    a.nonStream?.p50 ?? null,
    `≤ ${TARGETS.addedP50MsNearCeiling} ms`,
    a.nonStream?.p50 <= TARGETS.addedP50MsNearCeiling,
    " ms",
  );
  for (const kind of ["nonStream", "stream"]) {
    const label = kind === "stream" ? "stream" : "non-stream";
    pass(
      `added p50 @1 conn, ${label}`,
      a[kind]?.p50 ?? null,
      `≤ ${TARGETS.addedP50Ms} ms`,
      a[kind]?.p50 <= TARGETS.addedP50Ms,
      " ms",
    );
    pass(
      `added p99 @1 conn, ${label}`,
      a[kind]?.p99 ?? null,
      `≤ ${TARGETS.addedP99Ms} ms`,
      a[kind]?.p99 <= TARGETS.addedP99Ms,
      " ms",
    );
  }
  pass(
    "stream first byte after the upstream's (p50)",
    a.ttfb?.p50 ?? null,
    `≤ ${TARGETS.ttfbAddedMs} ms`,
    a.ttfb?.p50 <= TARGETS.ttfbAddedMs,
    " ms",
  );
  const peak = Math.max(0, ...scenarios.map((s) => s.results.tollgate?.peakRssMb ?? 0));
  pass("peak RSS under load", peak || null, `≤ ${TARGETS.peakRssMb} MB`, peak <= TARGETS.peakRssMb, " MB");
  if (apiKeyReads) pass("ApiKey reads while measuring (cached key)", apiKeyReads.reads, "0", apiKeyReads.reads === 0);
  return checks;
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells.map((c, i) => (i < 2 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function formatReport(results) {
  const out = [];
  const rows = [];
  for (const s of results.scenarios) {
    for (const [name, r] of Object.entries(s.results)) {
      const add =
        s.connections === 1 && name !== "direct" ? results.added[name]?.[s.stream ? "stream" : "nonStream"] : null;
      rows.push([
        s.label,
        name,
        fmt(r.rps, 0),
        fmt(r.p50),
        fmt(r.p99),
        add ? fmt(add.p50) : "",
        add ? fmt(add.p99) : "",
        fmt(r.cpuMsPerReq, 3),
        r.pgCpuMsPerReq !== null ? fmt(r.pgCpuMsPerReq, 3) : "",
        fmt(r.peakRssMb, 0),
        r.errors ? `${r.errors} (${Object.keys(r.failures).join(",")})` : 0,
      ]);
    }
  }
  out.push(
    table(
      [
        "scenario",
        "target",
        "req/s",
        "p50 ms",
        "p99 ms",
        "+p50 ms",
        "+p99 ms",
        "CPU ms/req",
        "+PG ms/req",
        "peak RSS MB",
        "errors",
      ],
      rows,
    ),
  );
  const ttfbRows = Object.entries(results.ttfb).map(([name, t]) => [
    "stream TTFB @1",
    name,
    fmt(t.p50),
    fmt(t.p99),
    name === "direct" ? "" : fmt(results.added[name]?.ttfb?.p50),
    name === "direct" ? "" : fmt(results.added[name]?.ttfb?.p99),
    fmt(t.totalP50),
    t.failures,
  ]);
  if (ttfbRows.length)
    out.push(
      "",
      table(
        ["", "target", "first byte p50 ms", "p99 ms", "+p50 ms", "+p99 ms", "whole stream p50 ms", "failures"],
        ttfbRows,
      ),
    );
  const ratioLines = [];
  for (const [pair, byScenario] of Object.entries(results.ratios)) {
    const parts = Object.entries(byScenario).map(
      ([id, v]) => `${id} ${fmt(v.rps)}× req/s, ${fmt(v.cpuPerReq)}× CPU/req`,
    );
    ratioLines.push(`${pair}: ${parts.join("; ")}`);
  }
  for (const [format, kinds] of Object.entries(results.formats ?? {})) {
    const parts = Object.entries(kinds).map(
      ([kind, v]) => `${kind} ${fmt(v.rps)}× req/s, ${fmt(v.cpuPerReq)}× CPU/req`,
    );
    ratioLines.push(`tollgate ${format}/chat completions: ${parts.join("; ")}`);
  }
  if (ratioLines.length) out.push("", ...ratioLines);
  const splits = Object.values(results.machine?.split ?? {});
  if (splits.length) {
    const splitRows = splits.flatMap((m) =>
      ["tollgate", "passthrough"].map((name) => {
        const r = m[name];
        return [
          m.label,
          name,
          fmt(r.machine, 3),
          fmt(r.server, 3),
          r.pg === null ? "" : fmt(r.pg, 3),
          fmt(r.mock, 3),
          fmt(r.client, 3),
          fmt(r.rest, 3),
          r.busy === null ? "–" : `${fmt(r.busy * 100, 0)}%`,
          fmt(r.serverCores),
        ];
      }),
    );
    out.push(
      "",
      "The machine's CPU per request (ms; rest = the kernel's, Redis's and everything else's), how busy its cores were while",
      "the load ran, and how many cores the server's process kept busy:",
      table(
        ["scenario", "target", "machine", "server", "PostgreSQL", "mock", "client", "rest", "busy", "server cores"],
        splitRows,
      ),
      ...splits.map(
        (m) =>
          `${m.label}: tollgate/passthrough ${fmt(m.measured)}× req/s; the inverse ratio of the machine's CPU per request ` +
          `${fmt(m.fromMachine)}×, of the server's ${fmt(m.fromServer)}×. At ${TARGETS.throughputVsPassthrough}× Tollgate's process ` +
          `may spend ${fmt(m.budget, 3)} ms per request; it spent ${fmt(m.tollgate.server, 3)}`,
      ),
    );
  }
  if (results.apiKeyReads) {
    const k = results.apiKeyReads;
    out.push(
      "",
      k.method === "unavailable"
        ? `ApiKey reads: not measured (${k.note})`
        : `ApiKey reads while measuring (${k.method}): ${k.reads} over ${k.requests} authenticated requests` +
            (k.fkChecks !== null
              ? ` (plus ${k.fkChecks} primary-key lookups: foreign-key checks of Request inserts)`
              : "") +
            (k.method === "table-stats"
              ? "; pg_stat_statements is not loaded (shared_preload_libraries), so table statistics were used"
              : ""),
    );
  }
  if (results.tollgateLogTail?.length)
    out.push(
      "",
      "Tollgate's log (last lines; it answered errors):",
      ...results.tollgateLogTail.map((l) => `  ${l.slice(0, 300)}`),
    );
  out.push("", "Targets (issues 7 and 26):");
  for (const c of results.checks) {
    const mark = c.ok === null ? "–" : c.ok ? "✓" : "✗";
    out.push(
      `  ${mark} ${c.name}: ${c.value === null ? "not measured" : `${fmt(c.value)}${c.unit}`} (target ${c.limit})`,
    );
  }
  return out.join("\n");
}

export function summaryLine(results, file) {
  const parts = [];
  for (const s of results.scenarios.filter((x) => x.connections > 1 && (x.format ?? "chat") === "chat")) {
    const t = s.results.tollgate;
    const vs = Object.entries(results.ratios)
      .map(([pair, v]) => {
        if (!v[s.id]) return null;
        const [subject, other] = pair.split("/");
        return subject === "tollgate" ? `${fmt(v[s.id].rps)}× ${other}` : `${subject} ${fmt(v[s.id].rps)}× ${other}`;
      })
      .filter(Boolean);
    parts.push(`${s.label} ${fmt(t?.rps, 0)} req/s${vs.length ? ` (${vs.join(", ")})` : ""}`);
  }
  for (const [format, kinds] of Object.entries(results.formats ?? {}))
    parts.push(
      `${format} ${Object.entries(kinds)
        .map(([k, v]) => `${k} ${fmt(v.rps)}×`)
        .join(", ")} of chat`,
    );
  const a = results.added.tollgate ?? {};
  if (a.nonStream) parts.push(`added p50/p99 ${fmt(a.nonStream.p50)}/${fmt(a.nonStream.p99)} ms`);
  if (a.ttfb) parts.push(`TTFB +${fmt(a.ttfb.p50)} ms`);
  const peak = Math.max(0, ...results.scenarios.map((s) => s.results.tollgate?.peakRssMb ?? 0));
  if (peak) parts.push(`peak RSS ${fmt(peak, 0)} MB`);
  const met = results.checks.filter((c) => c.ok === true).length;
  const measured = results.checks.filter((c) => c.ok !== null).length;
  return `bench: tollgate ${parts.join("; ")}; targets met ${met}/${measured} → ${file}`;
}
