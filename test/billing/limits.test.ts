import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { flushRecords } from "@/lib/billing/recorder";
import { setClockForTests } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { setSetting } from "@/lib/settings";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { startInFreshMinute } from "../helpers/clock";
import { gatewayFetch, seedProviders, userWithKey } from "../helpers/gateway";

const up = await startFakeUpstream();

beforeAll(async () => {
  await startApp();
  await seedProviders(up, { input: "1", output: "1" });
});
afterEach(() => setClockForTests(null));
afterAll(() => up.close());

async function ask(key: string, extra: Record<string, unknown> = {}) {
  const res = await gatewayFetch("http://tollgate.test/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({
      model: "compat-fake",
      messages: [{ role: "user", content: "hello" }],
      max_tokens: 10,
      ...extra,
    }),
  });
  const body = await res.json();
  await flushRecords();
  return { status: res.status, body, headers: res.headers };
}

describe("monthly quota", () => {
  it("blocks once the month's spend would pass the quota and rolls over on the 1st (UTC)", async () => {
    setClockForTests(new Date("2026-01-31T23:50:00Z"));
    // each request costs 2 + 5 = 7 micro-units; its worst case is 2 + 10 + prompt bound overhead
    const { key, keyId } = await userWithKey({ limits: { monthlyQuota: 60n } });
    const first = await ask(key);
    expect(first.status).toBe(200);
    let blocked = await ask(key);
    while (blocked.status === 200) blocked = await ask(key);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toMatchObject({
      limit: "monthly_quota",
      level: "key",
      resets_at: "2026-02-01T00:00:00.000Z",
    });
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(590);
    expect(Number(blocked.headers.get("retry-after"))).toBeLessThanOrEqual(600);
    setClockForTests(new Date("2026-02-01T00:01:00Z"));
    expect((await ask(key)).status).toBe(200);
    const db = await getDb();
    const wallet = await db.limit.findUniqueOrThrow({ where: { apiKeyId: keyId } });
    expect(wallet.monthSpent).toBe(7n);
    expect(wallet.monthStart.toISOString()).toBe("2026-02-01T00:00:00.000Z");
  });
});

describe("token allowance with grants", () => {
  it("refuses when used up and not yet due, then refills by the grant once the period has passed", async () => {
    const t0 = new Date("2026-03-10T10:00:00Z");
    setClockForTests(t0);
    const { key, keyId } = await userWithKey({
      limits: { tokenAllowance: 5n, grantAmount: 100n, grantPeriodSeconds: 3600 },
    });
    expect((await ask(key)).status).toBe(200); // uses 7 tokens: allowance goes to -2
    const early = await ask(key);
    expect(early.status).toBe(429);
    expect(early.body.error).toMatchObject({ limit: "tokens", level: "key" });
    expect(early.body.error.resets_at).toMatch(/^2026-03-10T11:00:00/);
    setClockForTests(new Date("2026-03-10T11:00:01Z"));
    expect((await ask(key)).status).toBe(200);
    const db = await getDb();
    const wallet = await db.limit.findUniqueOrThrow({ where: { apiKeyId: keyId } });
    expect(wallet.tokenAllowance).toBe(-2n + 100n - 7n);
    const grants = await db.transaction.findMany({ where: { limitId: wallet.id, kind: "GRANT" } });
    expect(grants).toHaveLength(1);
    expect(grants[0]).toMatchObject({ unit: "TOKENS", amount: 100n, balanceAfter: 98n });
  });
});

describe("daily limits", () => {
  it("the global daily limit blocks everyone while personal counters stay untouched", async () => {
    setClockForTests(new Date("2026-04-01T12:00:00Z"));
    await setSetting("globalDailyLimit", 3);
    try {
      const users = await Promise.all([0, 1, 2, 3].map(() => userWithKey({ userLimits: { dailyRequestLimit: 10 } })));
      for (const u of users.slice(0, 3)) expect((await ask(u.key)).status).toBe(200);
      const refused = await ask(users[3].key);
      expect(refused.status).toBe(429);
      expect(refused.body.error).toMatchObject({ limit: "global_daily_requests", level: "global" });
      const db = await getDb();
      const personal = await db.limit.findUniqueOrThrow({ where: { userId: users[3].user.id } });
      expect(personal.dayCount).toBe(0);
      expect((await ask(users[0].key)).status).toBe(429);
      setClockForTests(new Date("2026-04-02T00:00:01Z"));
      expect((await ask(users[3].key)).status).toBe(200);
    } finally {
      await setSetting("globalDailyLimit", null);
    }
  });

  it("a user's daily request limit resets at midnight UTC", async () => {
    setClockForTests(new Date("2026-05-01T22:00:00Z"));
    const { key } = await userWithKey({ userLimits: { dailyRequestLimit: 2 } });
    expect((await ask(key)).status).toBe(200);
    expect((await ask(key)).status).toBe(200);
    const third = await ask(key);
    expect(third.status).toBe(429);
    expect(third.body.error).toMatchObject({ limit: "daily_requests", level: "user" });
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(7190);
  });
});

describe("requests per minute", () => {
  // Each test starts 5 s into a minute (startInFreshMinute): on the real clock the 6th was sometimes let in.
  it("the 6th request in the window gets 429 with Retry-After and x-ratelimit headers", async () => {
    startInFreshMinute();
    const { key } = await userWithKey({ limits: { rpm: 5 } });
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof ask>> | undefined;
    for (let i = 0; i < 6; i++) {
      last = await ask(key);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(last!.body.error).toMatchObject({
      type: "rate_limit_exceeded",
      code: "rate_limit_exceeded",
      limit: "rpm",
      level: "key",
    });
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(last!.headers.get("x-ratelimit-limit-requests")).toBe("5");
    expect(last!.headers.get("x-ratelimit-remaining-requests")).toBe("0");
  });

  it("tokens per minute count the prompt and the output limit", async () => {
    startInFreshMinute();
    const { key } = await userWithKey({ limits: { tpm: 25 } });
    expect((await ask(key)).status).toBe(200); // 2 + 10 tokens
    expect((await ask(key)).status).toBe(200);
    const third = await ask(key);
    expect(third.status).toBe(429);
    expect(third.body.error.limit).toBe("tpm");
  });
});
