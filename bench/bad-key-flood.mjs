// A flood of bad keys (issue 28): valid keys' p99 latency with a flood of random, well-formed keys
// running beside them, against their p99 without it (target: within 2×). Rounds with and without
// the flood alternate, so a load spike on a shared machine weighs on both sides alike.
// (test/reliability/bad-key-flood.test.ts proves the rest: each bad key is refused from the in-memory
// key index, which goes to the database at most once a second, and nothing is written.)
//
//   npm run bench:flood [-- --rounds 4 --valid 200 --width 8]
//
// The production build served by scripts/serve.mjs on PostgreSQL + Redis, against the mock upstream.
import { randomBytes } from "node:crypto";
import http from "node:http";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { percentile } from "./lib/stats.mjs";
import { requestBody, startDirect, startTollgateTarget } from "./lib/targets.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const log = (message) => console.log(`[bench:flood] ${message}`);
const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "4" },
    valid: { type: "string", default: "200" },
    width: { type: "string", default: "8" },
    "app-dir": { type: "string" },
  },
});
const ROUNDS = Number(values.rounds);
const VALID = Number(values.valid);
const WIDTH = Number(values.width);
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const randomKey = () => `tg-${[...randomBytes(40)].map((b) => ALPHABET[b % ALPHABET.length]).join("")}`;
const agent = new http.Agent({ keepAlive: true, maxSockets: WIDTH + 4 });
const body = requestBody(false);

/** One POST; resolves with its status and milliseconds once the whole answer is read. */
function post(url, headers) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", agent, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode, ms: performance.now() - started }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function validLatencies(target) {
  const out = [];
  for (let i = 0; i < VALID; i++) {
    const { status, ms } = await post(target.url, target.headerSets[i % target.headerSets.length]);
    if (status !== 200) throw new Error(`a valid key got ${status}`);
    out.push(ms);
  }
  return out;
}

const direct = await startDirect(root);
const tollgate = await startTollgateTarget(path.resolve(values["app-dir"] ?? root), direct.baseUrl, { keys: 4, log });
try {
  await validLatencies(tollgate); // warm up: key index, catalog, connections
  const quiet = [];
  const flooded = [];
  let bad = 0;
  for (let round = 0; round < ROUNDS; round++) {
    quiet.push(...(await validLatencies(tollgate)));
    let done = false;
    const flood = Promise.all(
      Array.from({ length: WIDTH }, async () => {
        while (!done) {
          const { status } = await post(tollgate.url, { ...tollgate.headers, authorization: `Bearer ${randomKey()}` });
          if (status !== 401) throw new Error(`a bad key got ${status}`);
          bad++;
        }
      }),
    );
    flooded.push(...(await validLatencies(tollgate)));
    done = true;
    await flood;
  }
  quiet.sort((a, b) => a - b);
  flooded.sort((a, b) => a - b);
  const [q, f] = [percentile(quiet, 99), percentile(flooded, 99)];
  log(`${bad} bad keys refused beside ${flooded.length} valid requests, ${ROUNDS} rounds`);
  log(
    `valid p50 ${percentile(quiet, 50).toFixed(2)} ms without the flood, ${percentile(flooded, 50).toFixed(2)} ms with it`,
  );
  log(
    `valid p99 ${q.toFixed(2)} ms without the flood, ${f.toFixed(2)} ms with it: ${(f / q).toFixed(2)}× (target ≤ 2×)`,
  );
} finally {
  await tollgate.stop();
  await direct.stop();
  agent.destroy();
}
