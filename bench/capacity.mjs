// Capacity planning figures (docs/operations.md, "Sizing"): how many requests per second one
// Tollgate instance carries per CPU, and what PostgreSQL and Redis need per thousand requests per
// second. One production server (scripts/serve.mjs, as `npm start` runs it) on a fresh PostgreSQL
// database and a Redis server of its own (started here, so its CPU and commands are this run's
// alone), behind the bench's mock upstream, under 50 connections.
//
// What is read is CPU time per request — of the Tollgate process, of its database's PostgreSQL
// backends (from /proc) and of the private Redis — plus PostgreSQL transactions and rows and Redis
// commands per request. CPU time per request holds on a busy machine far better than requests per
// second does (a loaded machine stretches the run, not the work per request); requests per second
// per CPU is 1000 / (CPU ms per request).
//
//   node bench/capacity.mjs [--duration 20] [--connections 50] [--keys 1]
//
// --keys N spreads the connections over N users with a key each: with one, a key sending back to
// back is admitted in memory against its leases (few Redis and PostgreSQL round trips); with many,
// more of them reach Redis and PostgreSQL.
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import pg from "pg";
import { startRedisServer } from "../scripts/lib/redis-server.mjs";

const root = path.resolve(import.meta.dirname, "..");
const log = (message) => console.log(`[capacity] ${message}`);
const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "20" },
    connections: { type: "string", default: "50" },
    keys: { type: "string", default: "1" },
  },
});
const keys = Math.max(1, Number(values.keys));
const durationS = Number(values.duration);
const connections = Number(values.connections);

// A Redis of its own: the shared one's CPU and command counts include everyone else's.
const redis = await startRedisServer();
process.env.BENCH_REDIS_URL = redis.url;
const { runLoad } = await import("./lib/load.mjs");
const { cpuMs, waitForQuiet } = await import("./lib/proc.mjs");
const { pgBackendCpu } = await import("./lib/pg-stats.mjs");
const { requestBody, startDirect, startTollgateTarget } = await import("./lib/targets.mjs");
const { Redis } = await import("ioredis");

const cleanups = [() => redis.stop()];
const cleanUp = async () => {
  for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => {});
};
process.once("SIGINT", () => cleanUp().then(() => process.exit(130)));

try {
  const mock = await startDirect(root);
  cleanups.push(() => mock.stop());
  const tollgate = await startTollgateTarget(root, mock.baseUrl, { log, keys });
  cleanups.push(() => tollgate.stop());
  const redisClient = new Redis(process.env.BENCH_REDIS_URL);
  cleanups.push(() => redisClient.disconnect());
  const db = new pg.Client({ connectionString: tollgate.database.url });
  await db.connect();
  cleanups.push(() => db.end());
  const pgCpu = await pgBackendCpu(tollgate.database.url, tollgate.database.name);
  cleanups.push(() => pgCpu.close());

  const redisCommands = async () => {
    const info = await redisClient.info("commandstats");
    let calls = 0;
    for (const m of info.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)) if (m[1] !== "info") calls += Number(m[2]);
    return calls;
  };
  const pgCounters = async () => {
    await db.query("SELECT pg_stat_clear_snapshot()");
    const { rows } = await db.query(
      `SELECT xact_commit + xact_rollback AS xacts, tup_inserted + tup_updated + tup_deleted AS written
       FROM pg_stat_database WHERE datname = $1`,
      [tollgate.database.name],
    );
    return { xacts: Number(rows[0].xacts), written: Number(rows[0].written) };
  };
  const snapshot = async () => ({
    tollgateMs: cpuMs(tollgate.pid),
    pg: await pgCpu.snapshot(),
    pgCounters: await pgCounters(),
    redisMs: cpuMs(redis.pid),
    redisCalls: await redisCommands(),
  });

  log("warming up (5 s non-stream + 5 s stream at 10 connections)");
  for (const stream of [false, true])
    await runLoad({
      url: tollgate.url,
      headers: tollgate.headers,
      body: requestBody(stream),
      connections: 10,
      durationS: 5,
    });
  await waitForQuiet(tollgate.pid);

  const rows = [];
  for (const stream of [false, true]) {
    const before = await snapshot();
    const load = await runLoad({
      url: tollgate.url,
      headers: tollgate.headers,
      headerSets: tollgate.headerSets,
      body: requestBody(stream),
      connections,
      durationS,
    });
    await waitForQuiet(tollgate.pid);
    // Table statistics reach pg_stat_database within a second while busy, 10 s once idle.
    await sleep(11_000);
    const after = await snapshot();
    const n = load.sent;
    const per = (x) => x / n;
    const row = {
      mode: stream ? "stream" : "non-stream",
      requests: n,
      failed: load.errors + load.non2xx,
      rps: load.rps,
      tollgateCpuMsPerReq: per(after.tollgateMs - before.tollgateMs),
      pgCpuMsPerReq: per(pgCpu.delta(before.pg, after.pg)),
      pgXactsPerReq: per(after.pgCounters.xacts - before.pgCounters.xacts),
      pgRowsWrittenPerReq: per(after.pgCounters.written - before.pgCounters.written),
      redisCpuMsPerReq: per(after.redisMs - before.redisMs),
      redisCommandsPerReq: per(after.redisCalls - before.redisCalls),
    };
    rows.push(row);
    log(
      `${row.mode}: ${n} requests (${row.failed} failed) at ${row.rps.toFixed(0)}/s — Tollgate ${row.tollgateCpuMsPerReq.toFixed(3)} CPU ms/req, ` +
        `PostgreSQL ${row.pgCpuMsPerReq.toFixed(3)} CPU ms, ${row.pgXactsPerReq.toFixed(2)} transactions, ${row.pgRowsWrittenPerReq.toFixed(2)} rows written; ` +
        `Redis ${row.redisCpuMsPerReq.toFixed(3)} CPU ms, ${row.redisCommandsPerReq.toFixed(2)} commands`,
    );
  }

  console.log(
    `\nConditions: ${os.cpus().length} CPUs (${os.cpus()[0]?.model}), load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(
        " ",
      )} at the end; ${connections} connections over ${keys} API key${keys === 1 ? "" : "s"}, ${durationS} s per mode, Node ${process.version}.`,
  );
  console.log("\n| | non-stream | stream |\n|---|---|---|");
  const line = (label, f) => console.log(`| ${label} | ${rows.map(f).join(" | ")} |`);
  line("requests/s per CPU, one instance", (r) => (1000 / r.tollgateCpuMsPerReq).toFixed(0));
  line("Tollgate CPU ms per request", (r) => r.tollgateCpuMsPerReq.toFixed(3));
  line("PostgreSQL CPU per 1000 req/s (cores)", (r) => r.pgCpuMsPerReq.toFixed(2));
  line("PostgreSQL transactions/s per 1000 req/s", (r) => (r.pgXactsPerReq * 1000).toFixed(0));
  line("PostgreSQL rows written/s per 1000 req/s", (r) => (r.pgRowsWrittenPerReq * 1000).toFixed(0));
  line("Redis CPU per 1000 req/s (cores)", (r) => r.redisCpuMsPerReq.toFixed(3));
  line("Redis commands/s per 1000 req/s", (r) => (r.redisCommandsPerReq * 1000).toFixed(0));
  line("measured requests/s (this machine, loaded)", (r) => r.rps.toFixed(0));
} finally {
  await cleanUp();
}
