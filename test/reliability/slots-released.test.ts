// Item 18: 1,000 requests, 50 at a time, mixing upstream time-outs (before headers, before the
// first chunk, between chunks), 502s, streams cut by the upstream and clients that cancel at any
// moment. Afterwards nothing may be left held: no open stream (the shutdown tracker and the
// active-streams gauge), no money or tokens reserved on any wallet, no request PENDING, no upstream
// call still open.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { renderMetrics } from "@/lib/metrics/prometheus";
import { createModel } from "@/lib/providers/admin";
import { openStreams } from "@/lib/shutdown";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { seedProviders, userWithKey } from "../helpers/gateway";
import { inFlight, NOTHING_IN_FLIGHT, postCompletion } from "../helpers/money";
import { parseMetrics, sampleValue } from "../helpers/prometheus";

process.env.UPSTREAM_MAX_RETRIES = "0";
process.env.UPSTREAM_TTFT_TIMEOUT_MS = "1000";
process.env.UPSTREAM_IDLE_TIMEOUT_MS = "1000";
resetConfig();

const TOTAL = 1_000;
const CONCURRENCY = 50;
const up = await startFakeUpstream();

const MIX = [
  ["fine", "fake-model:chunks=5:idle=5"],
  ["hang-headers", "fake-model:headers-delay=4000"],
  ["hang-first", "fake-model:ttft=4000"],
  ["hang-between", "fake-model:chunks=5:idle=4000"],
  ["bad-gateway", "fake-model:fail=502"],
  ["cut", "fake-model:chunks=10:cut=3"],
  ["long", "fake-model:chunks=40:idle=10"],
] as const;

beforeAll(async () => {
  await startApp();
  const providers = await seedProviders(up);
  for (const [publicId, upstreamId] of MIX)
    await createModel({ publicId, providerId: providers.compat, upstreamId, inputPrice: "1", outputPrice: "2" });
});
afterAll(() => up.close());

/** One request: its model by index; every 4th client cancels after 0–300 ms, wherever it is by then. */
async function one(key: string, i: number): Promise<string> {
  const model = MIX[i % MIX.length][0];
  const stream = i % 5 !== 0;
  const controller = new AbortController();
  const cancels = i % 4 === 1;
  const timer = cancels ? setTimeout(() => controller.abort(), (i * 37) % 300) : undefined;
  try {
    const res = await postCompletion(
      key,
      { model, messages: [{ role: "user", content: `request ${i}` }], stream, max_tokens: 50 },
      { signal: controller.signal },
    );
    await res.text();
    return controller.signal.aborted ? "cancelled" : String(res.status);
  } catch {
    return "cancelled";
  } finally {
    clearTimeout(timer);
  }
}

describe(`${TOTAL} requests with time-outs, 502s and cancels`, () => {
  it("leave no stream open, nothing reserved, nothing pending and no upstream call open", {
    timeout: 90_000,
  }, async () => {
    const keys = await Promise.all(
      Array.from({ length: 5 }, () => userWithKey({ limits: { balance: 100_000_000n, rpm: 100_000 } })),
    );
    const outcomes = new Map<string, number>();
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < TOTAL; i = next++) {
          const outcome = await one(keys[i % keys.length].key, i);
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        }
      }),
    );
    const elapsed = Date.now() - started;
    // Every kind of ending really happened.
    for (const expected of ["200", "502", "504", "cancelled"])
      expect(outcomes.get(expected) ?? 0, `outcome ${expected} in ${JSON.stringify([...outcomes])}`).toBeGreaterThan(0);
    expect(
      [...outcomes.keys()].every((o) => ["200", "502", "504", "cancelled"].includes(o)),
      JSON.stringify([...outcomes]),
    ).toBe(true);

    await expect.poll(() => openStreams(), { timeout: 5_000 }).toBe(0);
    expect(sampleValue(parseMetrics((await renderMetrics()).body), "tollgate_active_streams")).toBe(0);
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);
    await expect.poll(() => up.requests.filter((r) => r.finishedAt === undefined).length, { timeout: 5_000 }).toBe(0);

    const db = await getDb();
    expect(await db.request.count({ where: { apiKeyId: { in: keys.map((k) => k.keyId) } } })).toBe(TOTAL);
    const byStatus = await db.request.groupBy({
      by: ["status"],
      _count: true,
      where: { apiKeyId: { in: keys.map((k) => k.keyId) } },
    });
    expect(new Set(byStatus.map((s) => s.status))).toEqual(new Set(["OK", "PARTIAL", "ERROR", "ABORTED"]));
    expect(elapsed).toBeLessThan(60_000);
  });
});
