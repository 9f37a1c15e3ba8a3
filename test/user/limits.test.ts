import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as stream from "@/app/api/user/balance/stream/route";
import * as limits from "@/app/api/user/limits/route";
import { rechargeWallet } from "@/lib/billing/ledger";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { call, cookieFor, json, startApp } from "../helpers/app";
import { gatewayFetch, seedProviders, userWithKey } from "../helpers/gateway";

const up = await startFakeUpstream();
beforeAll(async () => {
  await startApp();
  await seedProviders(up);
});
afterAll(() => up.close());

type View = {
  balance: string | null;
  levels: Array<{ scope: string; balance: string | null; dailyUsed: number; dailyRemaining: number | null }>;
};

describe("GET /api/user/limits", () => {
  it("shows each level for a session, and the key level too for a key", async () => {
    const { user, key } = await userWithKey({
      limits: { balance: 3_000_000n },
      userLimits: { balance: 9_000_000n, dailyRequestLimit: 10 },
    });
    const bySession = await json<View>(await call(limits.GET, { cookie: await cookieFor(user.email) }));
    expect(bySession.levels.map((l) => l.scope)).toEqual(["USER"]);
    expect(bySession).toMatchObject({
      balance: "9.000000",
      levels: [{ balance: "9.000000", dailyUsed: 0, dailyRemaining: 10 }],
    });
    const byKey = await json<View>(await call(limits.GET, { bearer: key }));
    expect(byKey.levels.map((l) => l.scope)).toEqual(["KEY", "USER"]);
    expect(byKey.balance).toBe("3.000000");
  });

  it("needs credentials", async () => {
    expect((await call(limits.GET)).status).toBe(401);
  });
});

describe("GET /api/user/balance/stream", () => {
  it("pushes the balance on connect and again after a recharge and after usage", async () => {
    const { user, key } = await userWithKey({ userLimits: { balance: 1_000_000n } });
    const controller = new AbortController();
    const res = await call(stream.GET, { cookie: await cookieFor(user.email), signal: controller.signal });
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    async function nextEvent(): Promise<View> {
      for (;;) {
        const m = /data: (.*)\n\n/.exec(buffer);
        if (m) {
          buffer = buffer.slice(m.index + m[0].length);
          return JSON.parse(m[1]) as View;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error("stream ended");
        buffer += decoder.decode(value);
      }
    }
    expect((await nextEvent()).balance).toBe("1.000000");
    await rechargeWallet({ target: { userId: user.id }, amount: 2_000_000n, actor: { userId: null, email: "test" } });
    expect((await nextEvent()).balance).toBe("3.000000");
    await gatewayFetch("http://tollgate.test/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: "compat-fake", messages: [{ role: "user", content: "spend" }] }),
    }).then((r) => r.text());
    let view = await nextEvent();
    // the reservation may show first; the settled balance follows
    while (view.balance === "3.000000" || view.levels[0].balance !== view.balance) view = await nextEvent();
    expect(BigInt(view.balance!.replace(".", ""))).toBeLessThan(3_000_000n);
    controller.abort();
  });
});
