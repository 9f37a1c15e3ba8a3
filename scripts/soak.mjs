// npm run soak [-- --minutes 2] – the reconciliation soak: two production instances on one
// PostgreSQL and one Redis take mixed traffic (streams and plain calls, 5% of clients leaving
// mid-stream, 2% upstream errors) for a bounded time; then the sum of the request costs, the sum of
// the usage ledger and the cost of what the fake upstream itself counted as served must be equal
// to the micro-unit. Exits non-zero on any difference, listing the first requests that differ.
// Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (SOAK_PG_URL / SOAK_REDIS_URL).
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startFakeUpstream } from "../test/fake-upstream/server.mjs";
import { driveSoak, reconcile, SOAK_MODELS, SOAK_PRICES } from "./lib/reconcile.mjs";
import { buildIfNeeded, freePort, serverEnv, startServer, waitHealthy, withPg } from "./lib/server.mjs";

const PG_URL = process.env.SOAK_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.SOAK_REDIS_URL ?? "redis://127.0.0.1:6379";
const ADMIN_TOKEN = `soak-admin-${randomBytes(12).toString("hex")}`;
const log = (message) => console.log(`[soak] ${message}`);

const { values: args } = parseArgs({
  options: { minutes: { type: "string", default: "2" }, concurrency: { type: "string", default: "16" } },
});
const minutes = Number(args.minutes);
if (!(minutes > 0 && minutes <= 120)) throw new Error("--minutes must be a number of minutes between 0 and 120");

async function admin(server, route, body) {
  const res = await fetch(`${server.url}${route}`, {
    method: body ? "POST" : "GET",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${route} on ${server.name} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

const chat = (server, key, body, { signal, requestId } = {}) =>
  fetch(`${server.url}/v1/chat/completions`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${key}`,
      "content-type": "application/json",
      ...(requestId ? { "x-request-id": requestId } : {}),
    },
    body: JSON.stringify(body),
    signal,
  });

/** The soak's models, priced, on the provider the environment configured; a funded key. */
async function prepare(a, b) {
  const providers = await admin(a, "/api/admin/provider/list");
  const provider = providers.items.find((p) => p.kind === "OPENAI_COMPATIBLE");
  if (!provider) throw new Error("the environment's OpenAI-compatible provider is missing");
  for (const m of SOAK_MODELS) {
    await admin(a, "/api/admin/model/create", {
      ...m,
      providerId: provider.id,
      inputPrice: String(SOAK_PRICES.input),
      outputPrice: String(SOAK_PRICES.output),
    });
  }
  const applied = await admin(a, "/api/admin/api-key/apply", {
    name: "soak",
    email: "soak@example.test",
    balance: "1000000",
  });
  // Both instances know the models before the clock starts (B learns of them through Redis).
  const probe = await admin(a, "/api/admin/api-key/apply", {
    name: "soak probe",
    email: "soak-probe@example.test",
    balance: "10",
  });
  for (const server of [a, b]) {
    const deadline = Date.now() + 30_000;
    while (
      (await chat(server, probe.key, {
        model: SOAK_MODELS[0].publicId,
        messages: [{ role: "user", content: "ready?" }],
      }).then((r) => r.text().then(() => r.status))) !== 200
    ) {
      if (Date.now() > deadline) throw new Error(`${server.name} does not serve the soak models`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return { key: applied.key, keyId: applied.api_key.id };
}

async function waitForRecords(dbUrl, keyId, sent, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await withPg(dbUrl, (c) =>
      c.query(
        `SELECT count(*) FILTER (WHERE "status" <> 'PENDING')::int AS settled FROM "Request" WHERE "apiKeyId" = $1`,
        [keyId],
      ),
    );
    if (rows[0].settled >= sent || Date.now() > deadline) return;
    log(`${sent - rows[0].settled} records still being written`);
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

async function main() {
  await buildIfNeeded(log);
  const suffix = randomBytes(4).toString("hex");
  const dbName = `tollgate_soak_${suffix}`;
  const dbUrl = Object.assign(new URL(PG_URL), { pathname: `/${dbName}` }).toString();
  const dataDirs = [
    await mkdtemp(path.join(tmpdir(), "tollgate-soak-a-")),
    await mkdtemp(path.join(tmpdir(), "tollgate-soak-b-")),
  ];
  let upstream;
  let servers = [];
  try {
    await withPg(PG_URL, (c) => c.query(`CREATE DATABASE ${dbName}`));
    upstream = await startFakeUpstream({ port: 0 });
    const authSecret = randomBytes(32).toString("base64url");
    servers = await Promise.all(
      ["A", "B"].map(async (name, i) => {
        const port = await freePort();
        return startServer(
          name,
          port,
          serverEnv(port, {
            DATA_DIR: dataDirs[i],
            DATABASE_URL: dbUrl,
            REDIS_URL,
            REDIS_KEY_PREFIX: `tollgate-soak-${suffix}:`,
            AUTH_SECRET: authSecret,
            ADMIN_API_KEY: ADMIN_TOKEN,
            OPENAI_COMPATIBLE_BASE_URL: `${upstream.url}/v1`,
            LOG_LEVEL: "warn",
            SHUTDOWN_GRACE_MS: "5000",
            NEXT_MANUAL_SIG_HANDLE: "true", // as `npm start` runs it: SIGTERM drains and writes every record
          }),
        );
      }),
    );
    await Promise.all(servers.map((s) => waitHealthy(s)));
    const [a, b] = servers;
    const { key, keyId } = await prepare(a, b);
    log(`database ${dbName}, instances ${a.url} and ${b.url}; ${minutes} min of traffic`);

    const stopAt = Date.now() + minutes * 60_000;
    const progress = setInterval(() => log(`${Math.max(0, Math.round((stopAt - Date.now()) / 1000))} s left`), 30_000);
    const { sent, outcomes } = await driveSoak({
      send: (i, body, opts) => chat(i % 2 === 0 ? a : b, key, body, opts),
      until: () => Date.now() > stopAt,
      concurrency: Number(args.concurrency),
    }).finally(() => clearInterval(progress));
    log(`${sent} requests: ${JSON.stringify(outcomes)}`);

    // Records are written off the request path: wait for them, then stop (a drain writes the rest).
    await waitForRecords(dbUrl, keyId, sent);
    await Promise.all(servers.map((s) => s.stop()));
    const { records, ledgerUsage, pending } = await withPg(dbUrl, async (c) => {
      const rows = await c.query(
        `SELECT "id", "status", "cost", "promptTokens", "completionTokens" FROM "Request" WHERE "apiKeyId" = $1`,
        [keyId],
      );
      const ledger = await c.query(
        `SELECT COALESCE(SUM(t."amount"), 0) AS sum FROM "Transaction" t JOIN "Limit" l ON l."id" = t."limitId" WHERE l."apiKeyId" = $1 AND t."kind" = 'USAGE' AND t."unit" = 'MONEY'`,
        [keyId],
      );
      return {
        records: rows.rows.map((r) => ({ ...r, cost: BigInt(r.cost) })),
        ledgerUsage: BigInt(ledger.rows[0].sum),
        pending: rows.rows.filter((r) => r.status === "PENDING").length,
      };
    });
    const fakeReport = await (await fetch(`${upstream.url}/__fake/usage`)).json();
    const result = reconcile({ records, ledgerUsage, fakeReport });
    console.log(
      `request costs   ${result.requestCosts}\nledger charges  ${result.ledgerCharges}\nupstream count  ${result.upstreamCost}  (micro-units)`,
    );
    const problems = [];
    if (records.length !== sent) problems.push(`${sent} requests sent, ${records.length} recorded`);
    if (pending) problems.push(`${pending} requests still PENDING`);
    if (!result.ok)
      problems.push(
        `the sums differ; first requests that differ:\n${JSON.stringify(result.mismatches.slice(0, 5), null, 2)}`,
      );
    for (const p of problems) console.log(`FAIL  ${p}`);
    if (problems.length === 0) console.log(`PASS  ${sent} requests reconcile to the micro-unit`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await upstream?.close();
    await withPg(PG_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)).catch((err) =>
      log(`could not drop ${dbName}: ${err.message}`),
    );
    await Promise.all(dataDirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[soak] ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  },
);
