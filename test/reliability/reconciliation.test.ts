// Item 27, the short run: ~15 s of mixed traffic (streams and plain calls, 5% of clients leaving,
// 2% upstream errors) in-process, then Σ request costs = −Σ usage ledger = the cost of what the
// fake upstream itself counted as served. `npm run soak` runs the same workload for minutes on two
// production instances sharing PostgreSQL and Redis.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { createModel } from "@/lib/providers/admin";
import { driveSoak, reconcile, SOAK_MODELS, SOAK_PRICES } from "../../scripts/lib/reconcile.mjs";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { seedProviders, userWithKey } from "../helpers/gateway";
import { inFlight, NOTHING_IN_FLIGHT, postCompletion, walletOf } from "../helpers/money";

const DURATION_MS = 15_000;
const up = await startFakeUpstream();

beforeAll(async () => {
  await startApp();
  const providers = await seedProviders(up);
  for (const m of SOAK_MODELS) {
    await createModel({
      ...m,
      providerId: providers.compat,
      inputPrice: String(SOAK_PRICES.input),
      outputPrice: String(SOAK_PRICES.output),
    });
  }
});
afterAll(() => up.close());

describe("reconciliation under mixed traffic", () => {
  it("request costs = usage ledger = the upstream's own count, to the micro-unit", {
    timeout: DURATION_MS + 45_000,
  }, async () => {
    const { key, keyId } = await userWithKey({ limits: { balance: 1_000_000_000n } });
    const before = await walletOf(keyId);
    const stopAt = Date.now() + DURATION_MS;
    const { sent, outcomes } = await driveSoak({
      send: (_i: number, body: Record<string, unknown>, opts: { signal: AbortSignal; requestId: string }) =>
        postCompletion(key, body, opts),
      until: () => Date.now() > stopAt,
      concurrency: 12,
    });
    expect(sent).toBeGreaterThan(200);
    for (const kind of ["200", "502", "left"]) expect(outcomes[kind] ?? 0, JSON.stringify(outcomes)).toBeGreaterThan(0);
    expect(await inFlight()).toEqual(NOTHING_IN_FLIGHT);

    const db = await getDb();
    const records = await db.request.findMany({
      where: { apiKeyId: keyId },
      select: { id: true, status: true, cost: true, promptTokens: true, completionTokens: true },
    });
    expect(records).toHaveLength(sent);
    expect(new Set(records.map((r) => r.status))).toEqual(new Set(["OK", "PARTIAL", "ERROR", "ABORTED"]));
    const after = await walletOf(keyId);
    const usage = await db.transaction.aggregate({
      where: { limitId: after.id, kind: "USAGE", unit: "MONEY" },
      _sum: { amount: true },
    });
    const fakeReport = await (await fetch(`${up.url}/__fake/usage`)).json();
    const result = reconcile({ records, ledgerUsage: usage._sum.amount ?? 0n, fakeReport });
    expect(result.mismatches.slice(0, 5)).toEqual([]);
    expect(result.requestCosts).toBeGreaterThan(0n);
    expect(result.ledgerCharges).toBe(result.requestCosts);
    expect(result.upstreamCost).toBe(result.requestCosts);
    expect(before.balance! - after.balance!).toBe(result.requestCosts);
  });
});
