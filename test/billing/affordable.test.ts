import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { affordableOutputTokens } from "@/lib/billing/affordable";
import { promptTokenUpperBound } from "@/lib/billing/estimate";
import { computeCost } from "@/lib/billing/prices";
import { flushRecords } from "@/lib/billing/recorder";
import { getDb } from "@/lib/db/client";
import type { ResolvedModel } from "@/lib/providers/types";
import { setSetting } from "@/lib/settings";
import { answerText, chatUser, postChat, readEvents, userMessage } from "../chat/helpers";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { gatewayFetch, seedProviders, userWithKey } from "../helpers/gateway";

const up = await startFakeUpstream();

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
});
beforeEach(() => up.reset());
afterAll(() => up.close());

const messages = [{ role: "user", content: "hello there" }];

async function complete(key: string, body: Record<string, unknown>) {
  return gatewayFetch("http://tollgate.test/v1/chat/completions", {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "compat-fake", messages, ...body }),
  });
}

describe("affordableOutputTokens", () => {
  it("is the most output the money pays for: that many tokens fit, one more does not (or the model's limit)", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10_000_000n }),
        fc.bigInt({ min: 0n, max: 5_000_000n }),
        fc.bigInt({ min: 1n, max: 90_000_000n }),
        fc.integer({ min: 1, max: 4 }),
        (money, inputPrice, outputPrice, n) => {
          const model = {
            inputPrice,
            outputPrice,
            cachedInputPrice: null,
            maxOutputTokens: 100_000,
          } as unknown as ResolvedModel;
          const cap = affordableOutputTokens([model], messages, money, n);
          const prompt = promptTokenUpperBound(messages);
          const cost = (out: number) =>
            computeCost(
              { inputPrice, outputPrice, cachedInputPrice: null },
              { promptTokens: prompt, completionTokens: out * n, cachedTokens: 0 },
            );
          if (cap > 0) expect(cost(cap)).toBeLessThanOrEqual(money);
          if (cap < 100_000 && cost(0) <= money) expect(cost(cap + 1)).toBeGreaterThan(money);
          expect(cap).toBeLessThanOrEqual(100_000);
        },
      ),
    );
  });
});

describe("POST /v1/chat/completions without max_tokens, money binding", () => {
  it("a balance too small for the model's whole output limit still buys a capped answer, and says so", async () => {
    // $1 / $2 per million tokens: 4,096 output tokens would need about $0.0082; $0.003 affords ~1,480.
    const { key, user } = await userWithKey({ userLimits: { balance: 3_000n } });
    const res = await complete(key, {});
    expect(res.status).toBe(200);
    const cap = Number(res.headers.get("x-tollgate-max-tokens-capped"));
    expect(cap).toBeGreaterThan(1_000);
    expect(cap).toBeLessThan(1_500);
    expect(up.requests.at(-1)!.body.max_tokens).toBe(cap);
    await flushRecords();
    const limit = await (await getDb()).limit.findUniqueOrThrow({ where: { userId: user.id } });
    expect(limit.balance).toBeGreaterThan(0n);
    expect(limit.reserved).toBe(0n);
  });

  it("a client's own max_tokens is kept as given: refused when the money does not cover it, never silently capped", async () => {
    const { key } = await userWithKey({ userLimits: { balance: 3_000n } });
    const res = await complete(key, { max_tokens: 4_000 });
    expect(res.status).toBe(402);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/\$0\.003 available, this request may cost up to \$0\.008/);
    expect(up.requests).toHaveLength(0);
    const fits = await complete(key, { max_tokens: 100 });
    expect(fits.status).toBe(200);
    expect(fits.headers.get("x-tollgate-max-tokens-capped")).toBeNull();
    expect(up.requests.at(-1)!.body.max_tokens).toBe(100);
  });

  it("refuses only when not even a short answer (minAnswerTokens) is affordable", async () => {
    // 64 output tokens and the prompt cost ~$0.00016: $0.0001 is not enough, $0.0002 is.
    const poor = await userWithKey({ userLimits: { balance: 100n } });
    const refused = await complete(poor.key, {});
    expect(refused.status).toBe(402);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/\$0\.0001 available/);
    const enough = await userWithKey({ userLimits: { balance: 200n } });
    const capped = await complete(enough.key, {});
    expect(capped.status).toBe(200);
    expect(Number(capped.headers.get("x-tollgate-max-tokens-capped"))).toBeGreaterThanOrEqual(64);

    await setSetting("minAnswerTokens", 500);
    try {
      const now = await complete((await userWithKey({ userLimits: { balance: 200n } })).key, {});
      expect(now.status).toBe(402);
    } finally {
      await setSetting("minAnswerTokens", 64);
    }
  });

  it("a monthly quota near its end caps the same way", async () => {
    const { key, user } = await userWithKey({ userLimits: { monthlyQuota: 5_000n } });
    await (await getDb()).limit.update({ where: { userId: user.id }, data: { monthSpent: 2_000n } });
    const res = await complete(key, {});
    expect(res.status).toBe(200);
    expect(Number(res.headers.get("x-tollgate-max-tokens-capped"))).toBeLessThan(1_500);
  });
});

describe("POST /api/chat with a small balance", () => {
  it("answers within what the balance affords instead of refusing", async () => {
    const { cookie } = await chatUser({ balance: 3_000n });
    const res = await postChat(cookie, { model: "compat-fake", message: userMessage("hello") });
    expect(res.status).toBe(200);
    const events = await readEvents(res);
    expect(events.find((e) => e.type === "error")).toBeUndefined();
    expect(answerText(events).length).toBeGreaterThan(0);
    expect(up.requests.at(-1)!.body.max_tokens).toBeGreaterThan(1_000);
  });
});
