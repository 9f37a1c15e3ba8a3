// npm run test:multi – two Tollgate processes on one PostgreSQL and one Redis must behave as one:
// migrations run once, and rate limits, budgets, key revocations and live updates hold across them;
// what an administrator changes on A (models, prices, settings, keys, users, groups, limits, Ollama
// installs) is in force on B within a second, also across a restart of Redis; and neither reports
// ready before its catalog lists the provider's models. B runs with DISABLE_UI=true (an API-only
// node). Then the standalone server (the Docker image's layout) is started on its own and must serve
// health, pages and static assets.
// Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and redis-server on the PATH: the script
// starts its own Redis on a free port (it restarts it mid-run). Builds the app first when there is
// no production build. Always stops both servers and its Redis, and drops its database.
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ReadableStream } from "node:stream/web";
import { setTimeout as sleep } from "node:timers/promises";
import { startFakeUpstream } from "../test/fake-upstream/server.mjs";
import {
  ADMIN_TOKEN,
  api,
  apiOk,
  assert,
  chat,
  check,
  issuedKeys,
  issueKey,
  log,
  MODEL,
  microsOf,
  PRICES,
  results,
} from "./lib/multi-client.mjs";
import { startRedisServer } from "./lib/redis-server.mjs";
import {
  buildIfNeeded,
  freePort,
  serverEnv as productionEnv,
  startServer,
  waitHealthy,
  withPg,
} from "./lib/server.mjs";
import { runSyncChecks } from "./multi-instance-sync.mjs";
import { checkStandalone } from "./standalone-check.mjs";

const PG_URL = process.env.MULTI_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
/** Reads server-sent events from a streaming response; `next()` resolves with the next `data:` payload. */
function sseReader(res) {
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  return {
    async next(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const end = buffer.indexOf("\n\n");
        if (end >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = event.split("\n").find((l) => l.startsWith("data: "));
          if (data) return JSON.parse(data.slice(6));
          continue;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no event within ${timeoutMs} ms`);
        const chunk = await Promise.race([reader.read(), sleep(left).then(() => null)]);
        if (!chunk) continue;
        if (chunk.done) throw new Error("the stream ended");
        buffer += decoder.decode(chunk.value, { stream: true });
      }
    },
    cancel: () => reader.cancel().catch(() => {}),
  };
}

/** The worst case reserved for the test request (lib/billing/estimate.ts): prompt bound + max_tokens, rounded up once. */
function worstCaseMicros() {
  const promptBound = 16 + 8 + "user".length + "hi".length; // base + per message + the message's characters
  return Math.ceil((promptBound * PRICES.input * 1e6 + 10 * PRICES.output * 1e6) / 1e6);
}

const money = (micros) => (micros / 1e6).toFixed(6);

async function runChecks(a, b, dbUrl) {
  await check("both instances started together become healthy", async () => {
    await Promise.all([waitHealthy(a), waitHealthy(b)]);
  });
  if (!a.running || !b.running) return;

  await check("each instance reports ready only once its /v1/models lists the provider's models", async () => {
    const { key } = await issueKey(a, { balance: "1" });
    const seen = [];
    for (const s of [a, b]) {
      const started = Date.now();
      let ready;
      while ((ready = await api(s, "GET", "/api/ready")).status !== 200) {
        assert(Date.now() - started < 60_000, `${s.name} not ready after 60 s: ${ready.text.slice(0, 300)}`);
        await sleep(100);
      }
      const models = await api(s, "GET", "/v1/models", { bearer: key });
      assert(
        models.status === 200 && models.json.data.some((m) => m.id === MODEL),
        `${s.name} is ready but /v1/models answers ${models.status}: ${models.text.slice(0, 300)}`,
      );
      assert(ready.json.catalog === "loaded", `${s.name}'s readiness: ${ready.text}`);
      seen.push(`${s.name} lists ${models.json.data.length} models`);
      // Start-up announces the catalog while Redis is still connecting: held and sent, never lost.
      const lost = s.output.split("\n").find((l) => /publish failed|Stream isn't writeable/.test(l));
      assert(!lost, `${s.name} lost an event at start-up: ${lost}`);
    }
    return seen.join(", ");
  });

  await check("migrations ran once", async () => {
    const dirs = readdirSync("prisma/migrations", { withFileTypes: true }).filter((d) => d.isDirectory()).length;
    const rows = await withPg(dbUrl, (c) =>
      c.query(
        `SELECT migration_name, count(*)::int AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL GROUP BY 1`,
      ),
    );
    assert(rows.rows.length === dirs, `${rows.rows.length} migrations recorded, ${dirs} in prisma/migrations`);
    const twice = rows.rows.filter((r) => r.n !== 1);
    assert(twice.length === 0, `applied more than once: ${twice.map((r) => r.migration_name).join(", ")}`);
    const migrators = [a, b].filter((s) => s.output.includes('"msg":"applied database migrations"')).map((s) => s.name);
    assert(migrators.length === 1, `instances that applied migrations: ${migrators.join(", ") || "none"}`);
    return `${dirs} migrations, applied by ${migrators[0]}`;
  });

  await check("a price set on A is used by B", async () => {
    const list = await apiOk(a, "GET", `/api/admin/model/list?q=${MODEL}`);
    const model = list.items.find((m) => m.publicId === MODEL);
    assert(model, `model ${MODEL} was not discovered from the fake upstream`);
    await apiOk(a, "POST", "/api/admin/model/update", {
      body: { id: model.id, inputPrice: String(PRICES.input), outputPrice: String(PRICES.output) },
    });
    const { key } = await issueKey(a, { balance: "0" });
    const refused = await chat(b, key);
    assert(refused.status === 402, `expected 402 on B, got ${refused.status}: ${refused.text.slice(0, 200)}`);
    // Shown as money is shown to people ("$0.00016"); compared in micro-units.
    const quoted = /may cost up to \$([\d.]+)/.exec(refused.json?.error?.message ?? "")?.[1];
    assert(
      quoted !== undefined && microsOf(quoted) === worstCaseMicros(),
      `B quotes a worst case of ${quoted}, expected ${money(worstCaseMicros())}`,
    );
    return `worst case ${quoted}`;
  });

  await check("rpm 5 holds across instances: the 6th request is refused with 429", async () => {
    const { key } = await issueKey(a, {}, { rpm: 5 });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await chat(i % 2 === 0 ? a : b, key)).status);
    assert(
      statuses.slice(0, 5).every((s) => s === 200) && statuses[5] === 429,
      `statuses A/B alternating: ${statuses.join(" ")}`,
    );
    return statuses.join(" ");
  });

  await check(
    "rate-limit leases on A and B never admit past rpm 160 (leases of 5), and strand at most a lease each",
    async () => {
      const { key } = await issueKey(a, {}, { rpm: 160 });
      // One window only: once the next minute begins, the last one's requests weigh less and more pass, rightly.
      const left = 60_000 - (Date.now() % 60_000);
      if (left < 15_000) await sleep(left + 500);
      const statuses = [];
      for (let round = 0; round < 10; round++) {
        statuses.push(
          ...(await Promise.all(
            Array.from({ length: 20 }, (_, i) => chat(i % 2 === 0 ? a : b, key).then((r) => r.status)),
          )),
        );
      }
      const ok = statuses.filter((s) => s === 200).length;
      const limited = statuses.filter((s) => s === 429).length;
      assert(
        ok + limited === statuses.length,
        `answers other than 200/429: ${statuses.filter((s) => s !== 200 && s !== 429).join(" ")}`,
      );
      assert(
        ok <= 160 && ok >= 160 - 2 * 4,
        `200: ${ok} of 200 requests (limit 160; a lease left on each instance holds at most 4 units)`,
      );
      return `${ok} × 200, ${limited} × 429`;
    },
  );

  await check("a balance for one worst case pays for exactly one of 50 concurrent requests", async () => {
    const { key } = await issueKey(a, { balance: money(worstCaseMicros()) });
    const statuses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => chat(i % 2 === 0 ? a : b, key).then((r) => r.status)),
    );
    const ok = statuses.filter((s) => s === 200).length;
    const refused = statuses.filter((s) => s === 402).length;
    assert(
      ok === 1 && refused === 49,
      `200: ${ok}, 402: ${refused}, others: ${statuses.filter((s) => s !== 200 && s !== 402).join(" ") || "none"}`,
    );
    return "1 × 200, 49 × 402";
  });

  const leasesOfKey = (id) =>
    withPg(dbUrl, async (c) => {
      const { rows } = await c.query(
        `SELECT (SELECT count(*)::int FROM "Lease" WHERE m."id" = ANY("limitIds")) AS "leases", m."reserved"::text AS "reserved", m."balance"::text AS "balance"
         FROM "Limit" m WHERE m."apiKeyId" = $1`,
        [id],
      );
      return rows[0];
    });

  await check(
    "budget leases on A and B: 100 requests at once are billed exactly, and what the leases held is given back",
    async () => {
      const { key, id } = await issueKey(a, { balance: "100" });
      // Requests back to back on both until each holds one lease. The key's creation sends a "limits"
      // event that ends any lease it reaches; on a loaded machine it can reach an instance after its
      // first lease, whose row stays until that lease's last request is settled, while a new one is
      // taken — so three rows for a moment.
      let sent = 0;
      let held;
      for (let i = 0; i < 50 && (held = await leasesOfKey(id)).leases !== 2; i++) {
        for (const s of [a, b]) {
          assert((await chat(s, key)).status === 200, `warm-up on ${s.name}`);
          sent++;
        }
        if (sent >= 6) await sleep(100);
      }
      assert(held.leases === 2, `leases after back-to-back requests on both: ${JSON.stringify(held)}`);
      const statuses = await Promise.all(
        Array.from({ length: 100 }, (_, i) => chat(i % 2 === 0 ? a : b, key).then((r) => r.status)),
      );
      assert(
        statuses.every((s) => s === 200),
        `statuses: ${statuses.filter((s) => s !== 200).join(" ")}`,
      );
      // Idle for 2 s, each instance drains its lease on its own.
      let after;
      for (let i = 0; i < 100 && ((after = await leasesOfKey(id)).leases > 0 || after.reserved !== "0"); i++)
        await sleep(100);
      assert(after.leases === 0 && after.reserved === "0", `after the load: ${JSON.stringify(after)}`);
      const costs = await withPg(
        dbUrl,
        async (c) =>
          (
            await c.query(
              `SELECT count(*)::int AS n, coalesce(sum("cost"), 0)::text AS cost FROM "Request" WHERE "apiKeyId" = $1`,
              [id],
            )
          ).rows[0],
      );
      assert(costs.n === sent + 100, `${costs.n} requests recorded, ${sent + 100} sent`);
      assert(
        BigInt(100_000_000) - BigInt(after.balance) === BigInt(costs.cost),
        `balance fell by ${BigInt(100_000_000) - BigInt(after.balance)}, requests cost ${costs.cost}`,
      );
      return `2 leases held during the load; ${sent + 100} requests cost ${costs.cost} micro-units = the balance change; nothing reserved after`;
    },
  );

  await check(
    "an administrator's change on A ends B's lease at once (through Redis): B's next request sees the new balance",
    async () => {
      const { key, id } = await issueKey(a, { balance: "100" });
      // Requests back to back until B holds a lease (the key's creation itself sends a "limits" event,
      // which may reach B after a first lease and end it).
      for (let i = 0; i < 50 && (await leasesOfKey(id)).leases < 1; i++) {
        assert((await chat(b, key)).status === 200, "warm-up on B");
        await sleep(50);
      }
      assert((await leasesOfKey(id)).leases === 1, "B took no lease");
      await apiOk(a, "POST", "/api/admin/api-key/update", { body: { id, balance: "0" } });
      await sleep(100);
      const refused = await chat(b, key);
      assert(refused.status === 402, `B answered ${refused.status} after the balance was set to 0 on A`);
      return "402 on B right after the change on A";
    },
  );

  await check("a chat call answers alike on serve.mjs's direct path and through Next.js (chunked body)", async () => {
    const { key } = await issueKey(a, { balance: "1" });
    const body = JSON.stringify({ model: MODEL, max_tokens: 10, messages: [{ role: "user", content: "hi" }] });
    const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const direct = await fetch(`${a.url}/v1/chat/completions`, { method: "POST", headers, body });
    const chunked = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode(body)), c.close()) });
    const viaNext = await fetch(`${a.url}/v1/chat/completions`, {
      method: "POST",
      headers,
      body: chunked,
      duplex: "half",
    });
    const seen = [];
    for (const [path, res] of [
      ["direct", direct],
      ["next", viaNext],
    ]) {
      const json = await res.json();
      assert(res.status === 200, `${path}: ${res.status} ${JSON.stringify(json).slice(0, 200)}`);
      assert(
        res.headers.get("x-content-type-options") === "nosniff" && res.headers.get("x-frame-options") === "DENY",
        `${path}: security headers missing`,
      );
      assert(
        res.headers.get("x-request-id") && res.headers.get("x-tollgate-cost") === json.usage.cost,
        `${path}: request id or cost header missing`,
      );
      seen.push(`${path} ${json.usage.total_tokens} tokens, cost ${json.usage.cost}`);
    }
    // Next.js marks its responses "Vary: rsc, …"; the direct path does not: each call took the path named.
    assert(
      !direct.headers.get("vary")?.includes("rsc") && viaNext.headers.get("vary")?.includes("rsc"),
      "the two calls did not take different paths",
    );
    const unauthenticated = await fetch(`${a.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    assert(unauthenticated.status === 401, `no key on the direct path: ${unauthenticated.status}`);
    return seen.join("; ");
  });

  await check(
    "a stream on serve.mjs's direct path arrives whole; a client leaving mid-stream is recorded ABORTED, its money released",
    async () => {
      const list = await apiOk(a, "GET", `/api/admin/model/list?q=${MODEL}`);
      const base = list.items.find((m) => m.publicId === MODEL);
      await apiOk(a, "POST", "/api/admin/model/create", {
        body: {
          publicId: "multi-slow-stream",
          providerId: base.providerId,
          upstreamId: `${MODEL}:chunks=40:idle=25`,
          inputPrice: "3",
          outputPrice: "7",
        },
      });
      const { key, id: keyId } = await issueKey(a, { balance: "1" });
      const send = (requestId) =>
        fetch(`${a.url}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "x-request-id": requestId },
          body: JSON.stringify({
            model: "multi-slow-stream",
            stream: true,
            messages: [{ role: "user", content: "hi" }],
          }),
        });
      const whole = await send(`multi-whole-${issuedKeys()}`);
      const text = await whole.text();
      const events = text.split("\n\n").filter((e) => e.startsWith("data: "));
      assert(
        whole.status === 200 && events.at(-1) === "data: [DONE]",
        `whole stream: ${whole.status}, ends with ${JSON.stringify(events.at(-1))}`,
      );
      assert(!whole.headers.get("vary")?.includes("rsc"), "the stream did not take the direct path");

      const leftId = `multi-left-${issuedKeys()}`;
      const left = sseReader(await send(leftId));
      await left.next(5_000);
      await left.next(5_000);
      await left.cancel();
      let row;
      for (let i = 0; i < 100; i++) {
        row = await withPg(dbUrl, async (c) => {
          const { rows } = await c.query(
            `SELECT r."status", r."completionTokens", l."reserved"::text AS "reserved" FROM "Request" r JOIN "Limit" l ON l."apiKeyId" = r."apiKeyId" WHERE r."id" = $1`,
            [leftId],
          );
          return rows[0];
        });
        if (row && row.status !== "PENDING") break;
        await sleep(100);
      }
      assert(row?.status === "ABORTED" && row.reserved === "0", `left mid-stream: ${JSON.stringify(row)}`);
      assert(row.completionTokens > 0 && row.completionTokens < 40, `billed for ${row.completionTokens} of 40 chunks`);
      return `${events.length} events; left after 2, billed ${row.completionTokens} tokens, nothing reserved (key ${keyId})`;
    },
  );

  await check("B (DISABLE_UI=true) serves the API only; A serves pages", async () => {
    const [pageA, pageB, healthB, modelsB] = await Promise.all([
      fetch(`${a.url}/login`),
      fetch(`${b.url}/login`),
      fetch(`${b.url}/api/health`),
      fetch(`${b.url}/v1/models`),
    ]);
    assert(pageA.status === 200 && pageB.status === 404, `/login: A ${pageA.status}, B ${pageB.status}`);
    assert(
      healthB.status === 200 && modelsB.status === 401,
      `B: /api/health ${healthB.status}, /v1/models without a key ${modelsB.status}`,
    );
  });

  await check("a balance stream on B sees a request made on A", async () => {
    const { key } = await issueKey(a, { balance: "1" });
    const controller = new AbortController();
    const res = await fetch(`${b.url}/api/user/balance/stream`, {
      headers: { authorization: `Bearer ${key}` },
      signal: controller.signal,
    });
    assert(res.status === 200, `the stream answered ${res.status}`);
    const events = sseReader(res);
    try {
      const first = await events.next(10_000);
      const made = await chat(a, key);
      assert(made.status === 200, `the request on A answered ${made.status}`);
      const update = await events.next(10_000);
      assert(
        JSON.stringify(update) !== JSON.stringify(first),
        "the update carries the same snapshot as before the request",
      );
    } finally {
      await events.cancel();
      controller.abort();
    }
  });
}

function serverEnv({ dataDir, port, dbUrl, redisUrl, suffix, authSecret, upstreamUrl, extra = {} }) {
  return productionEnv(port, {
    DATA_DIR: dataDir,
    DATABASE_URL: dbUrl,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `tollgate-multi-${suffix}:`,
    AUTH_SECRET: authSecret,
    ADMIN_EMAIL: "admin@multi.test",
    ADMIN_PASSWORD: "admin-password-multi",
    ADMIN_API_KEY: ADMIN_TOKEN,
    OPENAI_COMPATIBLE_BASE_URL: `${upstreamUrl}/v1`,
    // The Ollama provider an administrator adds is the fake upstream too.
    OUTBOUND_ALLOW: "127.0.0.1",
    LOG_LEVEL: "info",
    ...extra,
  });
}

async function runTwoInstances({ dbUrl, redis, suffix, upstreamUrl, dataDirs }) {
  // One secret for both: a session signed by A must be valid on B.
  const shared = { dbUrl, redisUrl: redis.url, suffix, upstreamUrl, authSecret: randomBytes(32).toString("base64url") };
  const [portA, portB] = [await freePort(), await freePort()];
  // Both start at the same moment, so they race for the migrations.
  const servers = [
    startServer("A", portA, serverEnv({ ...shared, dataDir: dataDirs[0], port: portA })),
    startServer("B", portB, serverEnv({ ...shared, dataDir: dataDirs[1], port: portB, extra: { DISABLE_UI: "true" } })),
  ];
  log(`instances ${servers.map((s) => s.url).join(" and ")}`);
  try {
    await runChecks(servers[0], servers[1], dbUrl);
    if (servers.every((s) => s.running))
      await runSyncChecks(servers[0], servers[1], { restartRedis: redis.restart, upstreamUrl });
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

async function main() {
  await buildIfNeeded(log);
  const suffix = randomBytes(4).toString("hex");
  const dbName = `tollgate_multi_${suffix}`;
  const dbUrl = Object.assign(new URL(PG_URL), { pathname: `/${dbName}` }).toString();
  const dataDirs = [
    await mkdtemp(path.join(tmpdir(), "tollgate-multi-a-")),
    await mkdtemp(path.join(tmpdir(), "tollgate-multi-b-")),
  ];
  let upstream;
  let redis;
  try {
    await withPg(PG_URL, (c) => c.query(`CREATE DATABASE ${dbName}`));
    upstream = await startFakeUpstream({ port: 0 });
    redis = await startRedisServer();
    log(`database ${dbName}, fake upstream ${upstream.url}, redis ${redis.url}`);
    await runTwoInstances({ dbUrl, redis, suffix, upstreamUrl: upstream.url, dataDirs });
    await check("the standalone server (Docker image layout) starts and serves", () => checkStandalone());
  } finally {
    await upstream?.close();
    await redis?.stop();
    await withPg(PG_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)).catch((err) =>
      log(`could not drop ${dbName}: ${err.message}`),
    );
    await Promise.all(dataDirs.map((d) => rm(d, { recursive: true, force: true })));
  }
  const passed = results.filter(Boolean).length;
  const failed = results.length - passed;
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[multi] ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  },
);
