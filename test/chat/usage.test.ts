import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as usageRoute from "@/app/api/user/usage/route";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { call, startApp } from "../helpers/app";
import { sdk, seedProviders } from "../helpers/gateway";
import { chatUser, db, postChat, readEvents, settled, userMessage } from "./helpers";

const up = await startFakeUpstream();

beforeAll(async () => {
  await startApp();
  await seedProviders(up, { input: "1", output: "2" });
});
afterAll(() => up.close());

type Usage = {
  from: string;
  to: string;
  items: Array<{
    day: string;
    model: string;
    requests: number;
    promptTokens: number;
    completionTokens: number;
    cost: string;
  }>;
  totals: { requests: number; cost: string };
};

describe("GET /api/user/usage", () => {
  it("sums the caller's chat and API usage by day and model, and nobody else's", async () => {
    const me = await chatUser();
    const other = await chatUser();
    await readEvents(await postChat(me.cookie, { model: "compat-fake", message: userMessage("echo: one two three") }));
    await sdk(me.key).chat.completions.create({ model: "compat-fake", messages: [{ role: "user", content: "hi" }] });
    await sdk(me.key).chat.completions.create({ model: "gpt-fake", messages: [{ role: "user", content: "hi" }] });
    await sdk(other.key).chat.completions.create({ model: "gpt-fake", messages: [{ role: "user", content: "hi" }] });
    const d = await db();
    // The chat turn, its title call and the two API calls.
    await settled(async () => (await d.request.count({ where: { userId: me.user.id, status: "OK" } })) === 4);

    const res = await call(usageRoute.GET, { cookie: me.cookie, path: "/api/user/usage" });
    expect(res.status).toBe(200);
    const usage = (await res.json()) as Usage;
    const today = new Date().toISOString().slice(0, 10);
    expect(usage.to).toBe(today);
    expect(usage.items.map((r) => [r.day, r.model, r.requests])).toEqual([
      [today, "compat-fake", 3],
      [today, "gpt-fake", 1],
    ]);
    const requests = await d.request.findMany({ where: { userId: me.user.id } });
    const cost = requests.reduce((sum, r) => sum + r.cost, 0n);
    expect(usage.totals).toMatchObject({ requests: 4, cost: `0.${cost.toString().padStart(6, "0")}` });
  });

  it("validates the range", async () => {
    const { cookie } = await chatUser();
    for (const q of [
      "from=yesterday",
      "from=2025-02-01&to=2025-01-01",
      "from=2020-01-01&to=2025-01-01",
      "to=2025-13-01",
    ]) {
      expect((await call(usageRoute.GET, { cookie, path: `/api/user/usage?${q}` })).status, q).toBe(400);
    }
    const empty = (await (
      await call(usageRoute.GET, { cookie, path: "/api/user/usage?from=2024-01-01&to=2024-01-31" })
    ).json()) as Usage;
    expect(empty).toMatchObject({
      from: "2024-01-01",
      to: "2024-01-31",
      items: [],
      totals: { requests: 0, cost: "0.000000" },
    });
  });
});
