// The servers compared: Tollgate, Portkey's open-source gateway (routing only), a bare pass-through,
// and the mock upstream itself ("direct", the baseline for added latency). Each target says how to
// call it and which process to measure.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "../../scripts/lib/server.mjs";
import { MODEL_ID } from "../mock-upstream.mjs";
import { forkService, listeningPid, spawnServer, waitUntil } from "./proc.mjs";
import {
  buildIfNeeded,
  createDatabase,
  dropRedisPrefix,
  ensurePriced,
  seedBenchAccounts,
  startTollgate,
  waitForHealth,
} from "./tollgate.mjs";

export { freePort };

const CHAT_PATH = "/v1/chat/completions";
const PORTKEY_SERVER = "node_modules/@portkey-ai/gateway/build/start-server.js";

export function requestBody(stream) {
  return JSON.stringify({
    model: MODEL_ID,
    messages: [{ role: "user", content: "Say hello in one short sentence." }],
    max_tokens: 64,
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
}

/** The mock upstream in its own process. */
export async function startDirect(root) {
  const mock = forkService(path.join(root, "bench/mock-upstream.mjs"));
  const port = await mock.ready;
  const url = `http://127.0.0.1:${port}`;
  return {
    name: "direct",
    url: url + CHAT_PATH,
    baseUrl: url,
    headers: { "content-type": "application/json" },
    pid: mock.pid,
    stop: () => mock.stop(),
  };
}

export async function startPassthroughTarget(root, upstreamBase) {
  const child = forkService(path.join(root, "bench/passthrough.mjs"), ["--upstream", upstreamBase]);
  const port = await child.ready;
  return {
    name: "passthrough",
    url: `http://127.0.0.1:${port}${CHAT_PATH}`,
    headers: { "content-type": "application/json" },
    pid: child.pid,
    stop: () => child.stop(),
  };
}

/** The billing floor (bench/floor.mjs) on a database of its own, dropped by `stop()`. */
export async function startFloorTarget(root, upstreamBase) {
  const db = await createDatabase();
  const apiKey = `floor-${randomBytes(12).toString("hex")}`;
  try {
    const child = forkService(path.join(root, "bench/floor.mjs"), [
      "--upstream",
      upstreamBase,
      "--database-url",
      db.url,
      "--api-key",
      apiKey,
    ]);
    const port = await child.ready;
    return {
      name: "floor",
      url: `http://127.0.0.1:${port}${CHAT_PATH}`,
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      pid: child.pid,
      database: db,
      stop: async () => {
        await child.stop();
        await reportFloorRecords(db.url);
        await db.drop();
      },
    };
  } catch (err) {
    await db.drop();
    throw err;
  }
}

/** What the floor wrote: a row per request, and the wallet debited exactly their sum. */
async function reportFloorRecords(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT count(*)::int AS n, coalesce(sum(cost), 0)::text AS charged,
        (SELECT (1000000000 - balance)::text FROM floor_wallet WHERE user_id = 'u1') AS debited FROM floor_request`,
    );
    const { n, charged, debited } = rows[0];
    console.log(
      `[bench] floor: ${n} records, $${charged} charged, wallet debited $${debited}${charged === debited ? " (exact)" : " — NOT EQUAL"}`,
    );
  } finally {
    await client.end();
  }
}

export async function startPortkey(root, upstreamBase) {
  const port = await freePort();
  const server = spawnServer("portkey", process.execPath, [PORTKEY_SERVER, `--port=${port}`, "--headless"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", NODE_OPTIONS: "" },
    graceMs: 3_000,
  });
  const target = {
    name: "portkey",
    url: `http://127.0.0.1:${port}${CHAT_PATH}`,
    headers: {
      "content-type": "application/json",
      authorization: "Bearer x",
      "x-portkey-provider": "openai",
      "x-portkey-custom-host": `${upstreamBase}/v1`,
    },
    pid: null,
    stop: () => server.stop(),
  };
  await waitUntil(
    "Portkey answering",
    async () =>
      (await fetch(target.url, { method: "POST", headers: target.headers, body: requestBody(false) })).status === 200,
    { server, timeoutMs: 60_000 },
  );
  target.pid = listeningPid(server.pid, port) ?? server.pid;
  return target;
}

/**
 * Tollgate on a fresh PostgreSQL database and a private Redis prefix, seeded with a priced model
 * and a fully limited key. `stop()` stops the server, drops the database and the Redis keys.
 */
export async function startTollgateTarget(appDir, upstreamBase, { nodeArgs = [], keys = 1, log }) {
  await buildIfNeeded(appDir, log);
  const cleanups = [];
  const stop = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err) => log(`cleanup: ${err.message}`));
  };
  try {
    const db = await createDatabase();
    cleanups.push(() => db.drop());
    const dataDir = await mkdtemp(path.join(tmpdir(), "tollgate-bench-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const redisPrefix = `tollgate-bench-${randomBytes(4).toString("hex")}:`;
    cleanups.push(() => dropRedisPrefix(redisPrefix));
    const port = await freePort();
    log(`starting Tollgate on :${port} (database ${db.name}, Redis prefix ${redisPrefix})`);
    const started = Date.now();
    const { server, adminToken, url } = startTollgate({
      appDir,
      port,
      databaseUrl: db.url,
      upstreamUrl: upstreamBase,
      redisPrefix,
      nodeArgs,
      dataDir,
    });
    cleanups.push(() => server.stop());
    await waitForHealth(url, server);
    log(`Tollgate healthy after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const seeded = await seedBenchAccounts(db.url, MODEL_ID, keys);
    const headerSets = seeded.apiKeys.map((key) => ({
      "content-type": "application/json",
      authorization: `Bearer ${key}`,
    }));
    await ensurePriced({
      url,
      adminToken,
      apiKey: seeded.apiKeys[0],
      modelId: MODEL_ID,
      modelRowId: seeded.modelRowId,
      body: requestBody(false),
    });
    const pid = listeningPid(server.pid, port) ?? server.pid;
    return {
      name: "tollgate",
      url: url + CHAT_PATH,
      baseUrl: url,
      headers: headerSets[0],
      headerSets,
      pid,
      rootPid: server.pid,
      server,
      adminToken,
      database: db,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
