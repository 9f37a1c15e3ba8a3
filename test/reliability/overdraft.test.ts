// Items 14 and 15, and exact billing under a mix of outcomes: the worst case of every request is
// reserved atomically before the upstream call, so 50 concurrent requests on a balance of one
// worst case admit exactly one (across two instances: `npm run test:multi`), a large prompt without
// max_tokens is reserved for its worst case, and after 200 mixed requests costs = ledger = balance change.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { worstCase } from "@/lib/billing/estimate";
import { flushRecords } from "@/lib/billing/recorder";
import { resetConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { createModel } from "@/lib/providers/admin";
import { findModel } from "@/lib/providers/catalog";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { seedProviders, userWithKey } from "../helpers/gateway";
import { postCompletion, walletOf } from "../helpers/money";

process.env.UPSTREAM_MAX_RETRIES = "0";
resetConfig();
const up = await startFakeUpstream();
let providers: Awaited<ReturnType<typeof seedProviders>>;

beforeAll(async () => {
  await startApp();
  providers = await seedProviders(up, { input: "3", output: "7" });
  for (const [publicId, upstreamId] of [
    ["cutting", "fake-model:chunks=12:cut=4"],
    ["failing", "fake-model:fail=502"],
    ["slowish", "fake-model:chunks=30:idle=5"],
    ["silent", "fake-model:nousage"],
  ] as const) {
    await createModel({ publicId, providerId: providers.openai, upstreamId, inputPrice: "3", outputPrice: "7" });
  }
});
afterAll(() => up.close());

const messages = [{ role: "user", content: "how much is this?" }];

const chat = (key: string, body: Record<string, unknown>, signal?: AbortSignal) =>
  postCompletion(key, body, { signal });

describe("reserving the worst case", () => {
  it("admits exactly one of 50 concurrent requests when the balance covers exactly one worst case", async () => {
    const model = (await findModel("compat-fake"))!;
    const worst = worstCase([model], messages, 10);
    const { key, keyId } = await userWithKey({ limits: { balance: worst.money } });
    const before = up.requests.length;
    const results = await Promise.all(
      Array.from({ length: 50 }, () => chat(key, { model: "compat-fake", messages, max_tokens: 10 })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 402)).toHaveLength(49);
    const refusal = await results.find((r) => r.status === 402)!.json();
    expect(refusal.error).toMatchObject({
      type: "insufficient_quota",
      code: "insufficient_quota",
      limit: "balance",
      level: "key",
    });
    expect(up.requests.length - before).toBe(1);
    await flushRecords();
    const wallet = await walletOf(keyId);
    expect(wallet.balance!).toBeGreaterThanOrEqual(0n);
    expect(wallet.reserved).toBe(0n);
  });

  it("reserves a large prompt sent without max_tokens for its worst case", async () => {
    const model = (await findModel("compat-fake"))!;
    const big = [{ role: "user", content: "x".repeat(40_000) }];
    const worst = worstCase([model], big, undefined);
    expect(worst.promptTokens).toBeGreaterThanOrEqual(40_000);
    expect(worst.outputTokens).toBe(4_096);
    // One micro-unit short of the whole output limit: the answer is capped below it (billing/affordable.ts), never overspent.
    const { key } = await userWithKey({ limits: { balance: worst.money - 1n } });
    const res = await chat(key, { model: "compat-fake", messages: big });
    expect(res.status).toBe(200);
    expect(Number(res.headers.get("x-tollgate-max-tokens-capped"))).toBeLessThan(4_096);
    // Not even the prompt and a short answer: refused.
    const poor = await userWithKey({ limits: { balance: worstCase([model], big, 64).money - 1n } });
    expect((await chat(poor.key, { model: "compat-fake", messages: big })).status).toBe(402);
  });

  it("bills every request exactly: request costs = usage ledger = balance change, after 200 mixed requests", async () => {
    const { key, keyId } = await userWithKey({ limits: { balance: 50_000_000n } });
    const before = await walletOf(keyId);
    const kinds = ["compat-fake", "cutting", "failing", "slowish", "silent", "gpt-fake", "ollama-fake", "bedrock-fake"];
    const jobs = Array.from({ length: 200 }, async (_, i) => {
      const model = kinds[i % kinds.length];
      const stream = i % 3 !== 0;
      const controller = new AbortController();
      const res = await chat(
        key,
        {
          model,
          messages: [{ role: "user", content: `question number ${i}` }],
          stream,
          stream_options: { include_usage: i % 2 === 0 },
        },
        controller.signal,
      );
      if (stream && res.body) {
        const reader = res.body.getReader();
        let chunks = 0;
        try {
          for (;;) {
            const { done } = await reader.read();
            if (done) break;
            // abort every 7th stream after a few chunks, like a client closing the tab
            if (i % 7 === 1 && ++chunks === 3) {
              controller.abort();
              await reader.cancel();
              break;
            }
          }
        } catch {
          // cut streams reject; that is part of the mix
        }
      } else {
        await res.text();
      }
    });
    for (let i = 0; i < jobs.length; i += 25) await Promise.all(jobs.slice(i, i + 25));
    await flushRecords();
    const db = await getDb();
    const after = await walletOf(keyId);
    const requests = await db.request.findMany({ where: { apiKeyId: keyId } });
    expect(requests).toHaveLength(200);
    expect(requests.filter((r) => r.status === "PENDING")).toHaveLength(0);
    const requestCosts = requests.reduce((n, r) => n + r.cost, 0n);
    const usage = await db.transaction.aggregate({
      where: { limitId: after.id, kind: "USAGE", unit: "MONEY" },
      _sum: { amount: true },
    });
    expect(requestCosts).toBeGreaterThan(0n);
    expect(-(usage._sum.amount ?? 0n)).toBe(requestCosts);
    expect(before.balance! - after.balance!).toBe(requestCosts);
    expect(after.reserved).toBe(0n);
    const statuses = new Set(requests.map((r) => r.status));
    expect(statuses).toEqual(new Set(["OK", "PARTIAL", "ERROR", "ABORTED"]));
    // the ledger is a chain: each row's balance after is the previous one's plus its amount
    const rows = await db.transaction.findMany({ where: { limitId: after.id, unit: "MONEY" } });
    rows.sort((a, b) => (a.balanceAfter > b.balanceAfter ? -1 : a.balanceAfter < b.balanceAfter ? 1 : 0));
    for (let i = 1; i < rows.length; i++) expect(rows[i].balanceAfter).toBe(rows[i - 1].balanceAfter + rows[i].amount);
    expect(rows.at(-1)!.balanceAfter).toBe(after.balance);
  });
});
