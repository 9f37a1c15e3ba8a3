#!/usr/bin/env node
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
// Admin pages at scale: seeds 1,000,000 requests (with their sessions, users, keys and the daily
// usage rows that settlement keeps) into a PostgreSQL database, starts the production build on it
// and times the admin API the dashboard reads: usage over 90 days and the first page of threads.
//
//   npm run bench:admin [-- --requests 1000000 --samples 30 --reseed --seed-only]
//
// The seeded database (tollgate_bench_admin_<requests>) is kept between runs, so only the first
// run pays for the seeding; --reseed starts it over. Figures: latency of each call as the server
// answers it over HTTP, p50 / p95 / max of --samples sequential calls after 3 warm-up calls.
import { parseArgs } from "node:util";
import { freePort, withPg } from "../scripts/lib/server.mjs";
import { waitUntil } from "./lib/proc.mjs";
import { percentile } from "./lib/stats.mjs";
import { buildIfNeeded, dropRedisPrefix, startTollgate } from "./lib/tollgate.mjs";

const { values: args } = parseArgs({
  options: {
    requests: { type: "string", default: "1000000" },
    samples: { type: "string", default: "30" },
    reseed: { type: "boolean", default: false },
    "seed-only": { type: "boolean", default: false },
  },
});
const REQUESTS = Number(args.requests);
const SAMPLES = Number(args.samples);
const TARGET_MS = 300;
const appDir = path.resolve(import.meta.dirname, "..");
const log = (msg) => console.error(`[bench:admin] ${msg}`);

const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const dbName = `tollgate_bench_admin_${REQUESTS}`;
const dbUrl = Object.assign(new URL(PG_ADMIN_URL), { pathname: `/${dbName}` }).toString();

/** The kept database, created and migrated (through the CLI, as an operator would) when missing. */
async function prepareDatabase() {
  await withPg(PG_ADMIN_URL, async (c) => {
    if (args.reseed) await c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    const exists = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [dbName]);
    if (!exists.rowCount) await c.query(`CREATE DATABASE "${dbName}"`);
  });
  const migrate = spawnSync(process.execPath, [path.join(appDir, "scripts/cli.mjs"), "db", "migrate"], {
    cwd: appDir,
    env: { ...process.env, DATABASE_URL: dbUrl, NODE_ENV: "development" },
    encoding: "utf8",
  });
  if (migrate.status !== 0) throw new Error(`db migrate failed:\n${migrate.stdout}${migrate.stderr}`);
}

const USERS = 500;
const KEYS = 1_000;
const SESSIONS = Math.max(1, Math.floor(REQUESTS / 10));
const MODELS = [
  "gpt-4o-mini",
  "gpt-4o",
  "llama3.2:latest",
  "claude-3-5-haiku",
  "mistral-small",
  "qwen2.5:7b",
  "gpt-4.1-nano",
  "deepseek-r1",
];
const DAYS = 120;

/** Everything in SQL, set-based: the database builds a million rows far faster than round trips would. */
async function seed(client) {
  const have = Number((await client.query(`SELECT count(*) FROM "Request" WHERE "id" LIKE 'bench-r-%'`)).rows[0].count);
  if (have >= REQUESTS) return log(`database ${dbName} already holds ${have.toLocaleString()} requests: not seeding`);
  const started = Date.now();
  log(
    `seeding ${REQUESTS.toLocaleString()} requests over ${DAYS} days (${USERS} users, ${KEYS} keys, ${SESSIONS.toLocaleString()} sessions, ${MODELS.length} models)…`,
  );
  await client.query("BEGIN");
  await client.query(`DELETE FROM "UsageDaily"; DELETE FROM "Request" WHERE "id" LIKE 'bench-r-%'; DELETE FROM "ChatSession" WHERE "id" LIKE 'bench-s-%';
    DELETE FROM "ApiKey" WHERE "id" LIKE 'bench-k-%'; DELETE FROM "User" WHERE "id" LIKE 'bench-u-%'; DELETE FROM "Group" WHERE "id" LIKE 'bench-g-%'`);
  await client.query(
    `INSERT INTO "Group" ("id", "name") SELECT 'bench-g-' || g, 'Bench group ' || g FROM generate_series(1, 10) g`,
  );
  await client.query(`INSERT INTO "User" ("id", "email", "name", "role", "status", "groupId", "createdAt", "updatedAt")
    SELECT 'bench-u-' || g, 'bench' || g || '@example.test', 'Bench user ' || g, 'USER'::"Role", 'ACTIVE'::"UserStatus", 'bench-g-' || (1 + g % 10), now(), now()
    FROM generate_series(1, ${USERS}) g`);
  // Key k belongs to user 1 + k % USERS; session s uses key 1 + s % KEYS; request r is in session 1 + r % SESSIONS.
  await client.query(`INSERT INTO "ApiKey" ("id", "userId", "name", "prefix", "hash", "createdAt", "updatedAt")
    SELECT 'bench-k-' || k, 'bench-u-' || (1 + k % ${USERS}), 'Bench key ' || k, 'tg-bench' || lpad(k::text, 4, '0'), md5('bench-k-' || k) || md5('salt' || k), now(), now()
    FROM generate_series(1, ${KEYS}) k`);
  await client.query(`INSERT INTO "ChatSession" ("id", "userId", "apiKeyId", "source", "title", "model", "createdAt", "updatedAt")
    SELECT 'bench-s-' || s, 'bench-u-' || (1 + (1 + s % ${KEYS}) % ${USERS}), 'bench-k-' || (1 + s % ${KEYS}), 'API'::"SessionSource",
           'Bench conversation ' || s, (ARRAY[${MODELS.map((m) => `'${m}'`).join(",")}])[1 + s % ${MODELS.length}],
           now() - make_interval(secs => (s::float8 / ${SESSIONS}) * ${DAYS} * 86400), now() - make_interval(secs => (s::float8 / ${SESSIONS}) * ${DAYS} * 86400)
    FROM generate_series(1, ${SESSIONS}) s`);
  // Money in micro-units: prompt 0.50 and completion 1.50 per million tokens.
  await client.query(`INSERT INTO "Request" ("id", "sessionId", "userId", "apiKeyId", "source", "model", "providerName", "stream", "status",
      "promptTokens", "completionTokens", "cost", "latencyMs", "ttftMs", "attempts", "prompt", "reply", "createdAt", "settledAt")
    SELECT 'bench-r-' || r, 'bench-s-' || s, 'bench-u-' || (1 + (1 + s % ${KEYS}) % ${USERS}), 'bench-k-' || (1 + s % ${KEYS}), 'API'::"SessionSource",
           (ARRAY[${MODELS.map((m) => `'${m}'`).join(",")}])[1 + s % ${MODELS.length}], 'bench-provider', r % 2 = 0,
           (CASE WHEN r % 50 = 0 THEN 'ERROR' WHEN r % 37 = 0 THEN 'PARTIAL' ELSE 'OK' END)::"RequestStatus",
           pt, ct, (pt * 500000 + ct * 1500000) / 1000000, 200 + r % 1800, 80 + r % 400, 1,
           jsonb_build_array(jsonb_build_object('role', 'user', 'content', 'Question number ' || r || ' about invoices')),
           'Answer number ' || r, created, created + make_interval(secs => 1)
    FROM (SELECT r, 1 + r % ${SESSIONS} AS s, 20 + r % 900 AS pt, 10 + (r * 7) % 600 AS ct,
                 now() - make_interval(secs => (r::float8 / ${REQUESTS}) * ${DAYS} * 86400) AS created
          FROM generate_series(1, ${REQUESTS}) r) AS g`);
  // The rows settlement keeps up to date as requests settle (lib/billing/recorder.ts), built at once here.
  await client.query(`INSERT INTO "UsageDaily" ("id", "day", "userId", "groupId", "apiKeyId", "model", "requests", "promptTokens", "completionTokens", "cost")
    SELECT md5(d::text || r."userId" || coalesce(r."apiKeyId", '') || r."model"), d, r."userId", coalesce(u."groupId", ''), coalesce(r."apiKeyId", ''), r."model",
           count(*), sum(r."promptTokens"), sum(r."completionTokens"), sum(r."cost")
    FROM (SELECT *, ("createdAt" AT TIME ZONE 'UTC')::date AS d FROM "Request" WHERE "id" LIKE 'bench-r-%') r JOIN "User" u ON u."id" = r."userId"
    GROUP BY d, r."userId", u."groupId", r."apiKeyId", r."model"`);
  await client.query("COMMIT");
  await client.query(`VACUUM ANALYZE`);
  const usageRows = (await client.query(`SELECT count(*) FROM "UsageDaily"`)).rows[0].count;
  log(
    `seeded in ${((Date.now() - started) / 1000).toFixed(0)} s (${Number(usageRows).toLocaleString()} daily usage rows)`,
  );
}

async function time(url, headers) {
  const started = performance.now();
  const res = await fetch(url, { headers });
  const body = await res.text();
  const ms = performance.now() - started;
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${body.slice(0, 300)}`);
  return { ms, body };
}

async function measure(name, url, headers, check) {
  for (let i = 0; i < 3; i++) await time(url, headers);
  const samples = [];
  let last;
  for (let i = 0; i < SAMPLES; i++) {
    last = await time(url, headers);
    samples.push(last.ms);
  }
  const detail = check(JSON.parse(last.body));
  samples.sort((a, b) => a - b);
  return { name, p50: percentile(samples, 50), p95: percentile(samples, 95), max: samples.at(-1), detail };
}

async function main() {
  await prepareDatabase();
  await withPg(dbUrl, seed);
  if (args["seed-only"]) return;
  await buildIfNeeded(appDir, log);
  const dataDir = await mkdtemp(path.join(tmpdir(), "tollgate-bench-admin-"));
  const redisPrefix = `tollgate-bench-admin-${randomBytes(4).toString("hex")}:`;
  const port = await freePort();
  const { server, adminToken, url } = startTollgate({
    appDir,
    port,
    databaseUrl: dbUrl,
    upstreamUrl: "http://127.0.0.1:9",
    redisPrefix,
    dataDir,
  });
  try {
    await waitUntil("Tollgate healthy", async () => (await fetch(`${url}/api/health`)).ok, {
      server,
      timeoutMs: 180_000,
    });
    const headers = { authorization: `Bearer ${adminToken}` };
    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 89 * 86_400_000).toISOString().slice(0, 10);
    const total = Number(
      await withPg(dbUrl, async (c) => (await c.query(`SELECT count(*) FROM "Request"`)).rows[0].count),
    );
    log(`measuring with ${total.toLocaleString()} requests in the database, ${SAMPLES} samples each`);
    const usage = (b) => `${b.rows.length} rows, ${b.totals.requests.toLocaleString()} requests`;
    const results = [];
    for (const groupBy of ["day", "month", "user", "group", "model", "key"]) {
      results.push(
        await measure(
          `GET /api/admin/usage (90 days, group_by=${groupBy})`,
          `${url}/api/admin/usage?from=${from}&to=${to}&group_by=${groupBy}`,
          headers,
          usage,
        ),
      );
    }
    const page = (b) => `${b.items.length} items of ${b.total.toLocaleString()}`;
    results.push(
      await measure("GET /api/admin/thread/list (first page)", `${url}/api/admin/thread/list?limit=50`, headers, page),
    );
    results.push(
      await measure(
        "GET /api/admin/thread/list (one key, first page)",
        `${url}/api/admin/thread/list?limit=50&key_id=bench-k-7`,
        headers,
        page,
      ),
    );
    results.push(
      await measure(
        "GET /api/admin/thread/list (status=ERROR, 90 days)",
        `${url}/api/admin/thread/list?limit=50&status=ERROR&from=${from}&to=${to}`,
        headers,
        page,
      ),
    );
    results.push(
      await measure(
        "GET /api/admin/session/list (first page)",
        `${url}/api/admin/session/list?limit=50`,
        headers,
        page,
      ),
    );
    results.push(
      await measure("GET /api/admin/user/list (first page)", `${url}/api/admin/user/list?limit=50`, headers, page),
    );

    const width = Math.max(...results.map((r) => r.name.length));
    const fmt = (ms) => `${ms.toFixed(1)} ms`.padStart(10);
    console.log(
      `\nAdmin API with ${total.toLocaleString()} requests on PostgreSQL (target: each under ${TARGET_MS} ms)\n`,
    );
    console.log(
      `${"call".padEnd(width)}  ${"p50".padStart(10)}  ${"p95".padStart(10)}  ${"max".padStart(10)}  verdict  answer`,
    );
    for (const r of results) {
      console.log(
        `${r.name.padEnd(width)}  ${fmt(r.p50)}  ${fmt(r.p95)}  ${fmt(r.max)}  ${r.p95 < TARGET_MS ? "ok     " : "SLOW   "}  ${r.detail}`,
      );
    }
    const slow = results.filter((r) => r.p95 >= TARGET_MS);
    console.log(
      `\nbench:admin ${slow.length ? `FAILED: ${slow.map((r) => r.name).join("; ")}` : `all ${results.length} calls under ${TARGET_MS} ms at p95`}`,
    );
    process.exitCode = slow.length ? 1 : 0;
  } finally {
    await server.stop();
    await dropRedisPrefix(redisPrefix).catch(() => {});
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
