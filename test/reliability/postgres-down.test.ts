// Item 24: PostgreSQL stops under load. No request reaches an upstream without a durable
// reservation (its PENDING record, or the budget lease it was admitted against, committed first;
// no lease is used once a record cannot be written); the others get a clear 503 — even when the
// caches of models and settings have run out meanwhile. When the database returns, the same
// process recovers: requests are served again, and the records of the requests that were in
// flight at the stop are written, so nothing stays reserved or pending.
// Runs on a PostgreSQL cluster of its own (initdb in a temp dir); the shared one is never stopped.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { closeDb, getDb } from "@/lib/db/client";
import { invalidateCatalog } from "@/lib/providers/catalog";
import { invalidateSettings } from "@/lib/settings";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { seedProviders, userWithKey } from "../helpers/gateway";
import { inFlight, NOTHING_IN_FLIGHT, postCompletion, walletOf } from "../helpers/money";
import { startPostgresCluster } from "../helpers/services";

const cluster = await startPostgresCluster();
await closeDb(); // the file's own database (embedded or shared): this test brings its own
process.env.DATABASE_URL = cluster.url;
resetConfig();
const up = await startFakeUpstream();

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
}, 60_000);
afterAll(async () => {
  await closeDb();
  await up.close();
  await cluster.destroy();
});

// `sentAt`: a request sent before the stop may still be answered 200 after it (its reservation, or
// the lease it was admitted against, was committed in time); only what was sent once the database
// had been gone for a moment must be refused.
type Answer = { id: string; sentAt: number; at: number; status: number; message?: string; retryAfter: string | null };

describe("PostgreSQL stopped during load", () => {
  it("serves nothing without a reservation, answers 503 clearly, and recovers without a restart", {
    timeout: 60_000,
  }, async () => {
    const { key, keyId } = await userWithKey({ limits: { balance: 100_000_000n } });
    const before = await walletOf(keyId);
    const answers: Answer[] = [];
    let seq = 0;
    let running = true;
    const workers = Array.from({ length: 8 }, async (_, w) => {
      while (running) {
        const id = `pg-load-${++seq}`;
        const sentAt = Date.now();
        const stream = w % 2 === 0;
        const res = await postCompletion(
          key,
          { model: "compat-fake", messages: [{ role: "user", content: `echo: ${id}` }], stream, max_tokens: 10 },
          { requestId: id },
        );
        const text = await res.text();
        const message = res.status === 200 ? undefined : JSON.parse(text).error?.message;
        answers.push({
          id,
          sentAt,
          at: Date.now(),
          status: res.status,
          message,
          retryAfter: res.headers.get("retry-after"),
        });
        await new Promise((r) => setTimeout(r, 5));
      }
    });

    await new Promise((r) => setTimeout(r, 700));
    await cluster.stop();
    const downAt = Date.now();
    await new Promise((r) => setTimeout(r, 700));
    // The caches run out while the database is away: models and settings must be read again.
    invalidateCatalog();
    invalidateSettings();
    await new Promise((r) => setTimeout(r, 800));
    const restartAt = Date.now();
    await cluster.start();
    await expect
      .poll(() => answers.filter((a) => a.at > Date.now() - 300 && a.status === 200).length, {
        timeout: 20_000,
        interval: 100,
      })
      .toBeGreaterThan(0);
    running = false;
    await Promise.all(workers);

    const unexpected = answers.filter((a) => a.status !== 200 && a.status !== 503);
    expect(unexpected, JSON.stringify(unexpected.slice(0, 3))).toEqual([]);
    const whileDown = answers.filter((a) => a.sentAt > downAt + 200 && a.sentAt < restartAt);
    expect(whileDown.length).toBeGreaterThan(10);
    for (const a of whileDown) {
      expect(a.status).toBe(503);
      expect(a.message).toMatch(/temporarily unavailable; please retry shortly/);
      expect(Number(a.retryAfter)).toBeGreaterThan(0);
    }
    expect(answers.filter((a) => a.status === 200 && a.at > restartAt).length).toBeGreaterThan(0);

    // The records of requests in flight at the stop are written once the database is back.
    await expect.poll(async () => (await inFlight()).pending, { timeout: 20_000 }).toBe(0);
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);

    // Every prompt the upstream received belongs to a recorded request…
    const inference = up.requests.filter((r) => r.path.endsWith("/chat/completions"));
    const upstreamIds = inference
      .map((r) => /echo: (pg-load-\d+)/.exec(JSON.stringify(r.body))?.[1])
      .filter((id): id is string => !!id);
    expect(upstreamIds.length).toBeGreaterThan(0);
    const db = await getDb();
    const recorded = new Set(
      (await db.request.findMany({ where: { id: { in: upstreamIds } }, select: { id: true } })).map((r) => r.id),
    );
    expect(upstreamIds.filter((id) => !recorded.has(id))).toEqual([]);
    // …and no 503 went upstream.
    const refused = new Set(answers.filter((a) => a.status === 503).map((a) => a.id));
    expect(upstreamIds.filter((id) => refused.has(id))).toEqual([]);
    const served = answers.filter((a) => a.status === 200).map((a) => a.id);
    const rows = await db.request.findMany({ where: { apiKeyId: keyId } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(served.filter((id) => byId.get(id)?.status !== "OK")).toEqual([]);
    const after = await walletOf(keyId);
    expect(before.balance! - after.balance!).toBe(rows.reduce((n, r) => n + r.cost, 0n));
  });
});
