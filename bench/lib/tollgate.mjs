// Tollgate under test: its production build, a throwaway PostgreSQL database, the server itself
// (scripts/serve.mjs, as `npm start` runs it, so we know its PID), and a user + API key whose every limit is set but never hit.
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { buildIfNeeded as build, INHERITED_VARS_TO_DROP } from "../../scripts/lib/server.mjs";
import { serverProcess } from "../../scripts/server-process.mjs";
import { spawnServer, waitUntil } from "./proc.mjs";

const NEXT = path.resolve(import.meta.dirname, "../../node_modules/next/dist/bin/next");
const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";

export const MODEL_PRICE = { input: 500_000n, output: 1_500_000n }; // micro-units per million tokens: 0.50 / 1.50

// Never let the server under test reach a real database, cache or provider by accident: the same
// list as the tests' servers, plus NODE_OPTIONS (the benchmark sets the Node flags itself).
const BENCH_VARS_TO_DROP = [...INHERITED_VARS_TO_DROP, "NODE_OPTIONS"];

/** Builds `appDir` once if it has no production build (scripts/lib/server.mjs). */
export const buildIfNeeded = (appDir, log) => build(log, appDir);

export function buildId(appDir) {
  try {
    return readFileSync(`${appDir}/.next/BUILD_ID`, "utf8").trim();
  } catch {
    return null;
  }
}

/** A fresh database; `drop()` removes it (forcing out any connection left). */
export async function createDatabase() {
  const name = `tollgate_bench_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Deletes the Redis keys under the benchmark's prefix (rate-limit windows expire anyway). */
export async function dropRedisPrefix(prefix) {
  const { Redis } = await import("ioredis");
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

/**
 * `node [nodeArgs] scripts/serve.mjs` with the production environment, as `npm start` runs it. It
 * serves from its own process, so `nodeArgs` (e.g. --cpu-prof) apply to the server; on SIGTERM
 * Tollgate drains and leaves through process.exit, which writes a --cpu-prof profile.
 */
export function startTollgate({
  appDir,
  port,
  databaseUrl,
  upstreamUrl,
  redisPrefix,
  nodeArgs = [],
  dataDir,
  extraEnv = {},
}) {
  const env = { ...process.env };
  for (const name of BENCH_VARS_TO_DROP) delete env[name];
  const secrets = {
    auth: randomBytes(32).toString("base64url"),
    admin: `bench-admin-${randomBytes(16).toString("hex")}`,
  };
  Object.assign(env, {
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    NEXT_MANUAL_SIG_HANDLE: "true", // as `npm start` runs it: Tollgate drains and exits on SIGTERM itself
    PORT: String(port),
    NEXTAUTH_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_KEY_PREFIX: redisPrefix,
    AUTH_SECRET: secrets.auth,
    ADMIN_API_KEY: secrets.admin,
    OPENAI_COMPATIBLE_BASE_URL: `${upstreamUrl}/v1`,
    OPENAI_COMPATIBLE_API_KEY: "bench-upstream-key",
    LOG_LEVEL: "warn",
    SHUTDOWN_GRACE_MS: "2000",
    DATA_DIR: dataDir,
    ...extraEnv,
  });
  // BENCH_NEXT_START=1: plain `next start`, to measure what the direct gateway path buys.
  const entry = process.env.BENCH_NEXT_START ? [NEXT, "start"] : [path.join(appDir, "scripts/serve.mjs")];
  // With the Node settings `npm start` gives the server (scripts/server-process.mjs).
  const node = serverProcess(env);
  const server = spawnServer(
    "tollgate",
    process.execPath,
    [...node.args, ...nodeArgs, ...entry, "--port", String(port), "--hostname", "127.0.0.1"],
    { env: node.env, cwd: appDir },
  );
  return { server, adminToken: secrets.admin, url: `http://127.0.0.1:${port}` };
}

export async function waitForHealth(url, server) {
  await waitUntil(
    "GET /api/health answered 200",
    async () => (await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) })).status === 200,
    { server, timeoutMs: 180_000 },
  );
}

const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function newApiKey() {
  let body = "";
  for (const b of randomBytes(64)) if (b < 248 && body.length < 40) body += BASE62[b % 62];
  const key = `tg-${body.padEnd(40, "A")}`;
  return { key, hash: createHash("sha256").update(key).digest("hex"), prefix: key.slice(0, 10) };
}

/**
 * `keys` users, each with one API key that has a large balance, a monthly quota, a daily request
 * limit and rpm/tpm limits — all far above what the benchmark uses, so every check runs and none
 * refuses — and a price on the discovered model so every request is really charged.
 */
export async function seedBenchAccounts(databaseUrl, modelId, keys = 1) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await waitUntil(
      `model '${modelId}' discovered`,
      async () => (await db.query(`SELECT 1 FROM "Model" WHERE "publicId" = $1`, [modelId])).rowCount > 0,
      { timeoutMs: 30_000 },
    );
    const apiKeys = [];
    await db.query("BEGIN");
    for (let i = 0; i < keys; i++) {
      const suffix = `${i}_${randomBytes(4).toString("hex")}`;
      const userId = `bench_user_${suffix}`;
      const keyId = `bench_key_${suffix}`;
      const { key, hash, prefix } = newApiKey();
      await db.query(
        `INSERT INTO "User" ("id", "email", "name", "role", "status", "updatedAt") VALUES ($1, $2, 'Bench', 'USER', 'ACTIVE', now())`,
        [userId, `bench-${suffix}@bench.test`],
      );
      await db.query(
        `INSERT INTO "ApiKey" ("id", "userId", "name", "prefix", "hash", "updatedAt") VALUES ($1, $2, 'bench', $3, $4, now())`,
        [keyId, userId, prefix, hash],
      );
      await db.query(
        `INSERT INTO "Limit" ("id", "scope", "apiKeyId", "balance", "monthlyQuota", "dailyRequestLimit", "rpm", "tpm", "updatedAt")
         VALUES ($1, 'KEY', $2, $3, $4, $5, $6, $7, now())`,
        [`bench_limit_${suffix}`, keyId, 10n ** 15n, 10n ** 15n, 2_000_000_000, 2_000_000_000, 2_000_000_000],
      );
      apiKeys.push(key);
    }
    await db.query(
      `UPDATE "Model" SET "inputPrice" = $2, "outputPrice" = $3, "updatedAt" = now() WHERE "publicId" = $1`,
      [modelId, MODEL_PRICE.input, MODEL_PRICE.output],
    );
    await db.query("COMMIT");
    const { rows } = await db.query(`SELECT "id" FROM "Model" WHERE "publicId" = $1`, [modelId]);
    return { apiKeys, modelRowId: rows[0].id };
  } finally {
    await db.end();
  }
}

/**
 * The model catalog is cached in the server; an admin update (with the same prices) invalidates it.
 * Then we wait until a real request is charged, so no measured request runs at price 0.
 */
export async function ensurePriced({ url, adminToken, apiKey, modelId, modelRowId, body }) {
  const perMillion = (micros) => (Number(micros) / 1e6).toFixed(6);
  await fetch(`${url}/api/admin/model/update`, {
    method: "POST",
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({
      id: modelRowId,
      inputPrice: perMillion(MODEL_PRICE.input),
      outputPrice: perMillion(MODEL_PRICE.output),
    }),
  }).catch(() => {});
  await waitUntil(
    `a charged request on '${modelId}' (catalog refresh)`,
    async () => {
      const res = await fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body,
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`probe answered ${res.status}: ${text.slice(0, 300)}`);
      const cost = res.headers.get("x-tollgate-cost");
      return cost !== null && Number(cost) > 0;
    },
    { timeoutMs: 75_000, intervalMs: 1_000 },
  );
}
