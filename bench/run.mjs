// Tollgate's benchmark harness (issue 7). Everything it starts is stopped, and its database
// dropped, when it ends — also on an error or Ctrl-C.
//
//   npm run bench                              Tollgate vs a bare pass-through (+ the mock called directly)
//   npm run bench -- --compare portkey         … and Portkey's gateway
//   npm run bench -- --compare floor           … and the billing floor (bench/floor.mjs: the pass-through + PG records)
//   npm run bench:soak [-- --soak-minutes 10]  memory trend under moderate load
//   npm run bench -- --profile                 CPU profile of Tollgate under load, top functions
//   npm run bench -- --analyze FILE.cpuprofile the same report for a profile taken earlier
//
// Options (defaults in brackets):
//   --duration S [10]        seconds per measured run          --connections N [50]   for the loaded scenarios
//   --rounds N [2]           turns per target (A B A B)        --warmup S [3]         per target and mode, unmeasured
//   --scenarios LIST         nonstream50,stream50,nonstream1,stream1,responses50,responses-stream50,messages50,
//                            messages-stream50 (default: all; responses*, messages*: Tollgate only, the Responses and
//                            Anthropic Messages APIs, compared with chat's)
//   --ttfb-requests N [200]  sequential streams per target for the time to first byte
//   --no-passthrough         skip the bare pass-through        --keys N [1]           spread connections over N users
//                                                                                     with a key each (1 = every request
//                                                                                     locks the same limit row)
//   --soak-minutes M [10], --soak-connections N [10]          --profile-top N [15]
//   --profile-stream         profile the streaming load instead of the non-streaming one
//   --profile-alloc          with --profile: also what the load allocated, by function (freed garbage included)
//   --profile-format NAME    profile a wire format's load (responses, messages: bench/lib/formats.mjs) instead of chat's
//   --app-dir DIR            serve a built copy of the app from DIR instead of this checkout
//                            (e.g. a snapshot, while others rebuild .next here)
//   --baseline DIR           also a second Tollgate served from another built copy (e.g. the commit before),
//                            measured in the same turns: "tollgate/baseline" is before/after on one machine state
//   --baseline-node-args=A   Node flags for the baseline's server only (space-separated, after npm start's own);
//                            with --baseline . this measures a Node setting in the same turns
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runComparison } from "./lib/compare.mjs";
import { headerHelp } from "./lib/help.mjs";
import { analyzeProfile, runProfile } from "./lib/profile-run.mjs";
import { runSoak } from "./lib/soak.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const log = (message) => console.log(`[bench] ${message}`);

function options() {
  const { values } = parseArgs({
    options: {
      duration: { type: "string", default: "10" },
      connections: { type: "string", default: "50" },
      rounds: { type: "string", default: "2" },
      warmup: { type: "string", default: "3" },
      compare: { type: "string", multiple: true, default: [] },
      scenarios: { type: "string" },
      "ttfb-requests": { type: "string", default: "200" },
      "no-passthrough": { type: "boolean", default: false },
      keys: { type: "string", default: "1" },
      soak: { type: "boolean", default: false },
      "soak-minutes": { type: "string", default: "10" },
      "soak-connections": { type: "string", default: "10" },
      profile: { type: "boolean", default: false },
      "profile-stream": { type: "boolean", default: false },
      "profile-alloc": { type: "boolean", default: false },
      "profile-format": { type: "string" },
      "profile-top": { type: "string", default: "15" },
      analyze: { type: "string" },
      "app-dir": { type: "string" },
      baseline: { type: "string" },
      "baseline-node-args": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const numeric = [
    "duration",
    "connections",
    "rounds",
    "keys",
    "warmup",
    "ttfb-requests",
    "soak-minutes",
    "soak-connections",
    "profile-top",
  ];
  for (const name of numeric) {
    const n = Number(values[name]);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, not '${values[name]}'`);
    values[name] = n;
  }
  values.rounds = Math.max(1, Math.round(values.rounds));
  values.keys = Math.max(1, Math.round(values.keys));
  values.compare = values.compare.flatMap((c) => c.split(",")).filter(Boolean);
  return values;
}

// Cleanups run last-registered first, once, whatever ends the run.
const cleanups = [];
let cleaning = null;
function cleanUp() {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        log(`cleanup: ${err instanceof Error ? err.message : err}`);
      }
    }
  })();
  return cleaning;
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    log(`${signal}: stopping everything`);
    cleanUp().finally(() => process.exit(130));
  });
}

async function main() {
  const opts = options();
  if (opts.help) {
    console.log(headerHelp(import.meta.url));
    return 0;
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
  const appDir = path.resolve(opts["app-dir"] ?? root);
  const ctx = { root, appDir, opts, log, stamp, onCleanup: (fn) => cleanups.push(fn) };
  const mode = opts.analyze ? "analysis" : opts.profile ? "profile" : opts.soak ? "soak" : "bench";
  if (mode === "soak") log(`soak: ${opts["soak-minutes"]} min at ${opts["soak-connections"]} connections`);
  else if (mode !== "analysis")
    log(
      `${mode}: ${opts.duration} s per run, ${opts.connections} connections${mode === "bench" ? `, ${opts.rounds} rounds` : ""}`,
    );
  const runners = {
    analysis: () => analyzeProfile(path.resolve(opts.analyze), { appDir, top: opts["profile-top"] }),
    profile: runProfile,
    soak: runSoak,
    bench: runComparison,
  };
  const run = await runners[mode](ctx);
  await cleanUp();

  const dir = path.join(root, "bench/results");
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${mode}-${stamp}.json`);
  await writeFile(
    file,
    JSON.stringify(run.results, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2),
  );
  console.log(`\n${run.text}\n`);
  console.log(run.summary(path.relative(root, file)));
  return 0;
}

main().then(
  (code) => process.exit(code),
  async (err) => {
    console.error(`[bench] ${err instanceof Error ? err.stack : err}`);
    await cleanUp();
    process.exit(1);
  },
);
