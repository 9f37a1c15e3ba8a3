import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as revokeRoute from "@/app/api/user/keys/[id]/revoke/route";
import * as keysRoute from "@/app/api/user/keys/route";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { call, startApp } from "../helpers/app";
import { sdk, seedProviders } from "../helpers/gateway";
import { chatUser, db } from "./helpers";

const up = await startFakeUpstream();

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
});
afterAll(() => up.close());

type Created = {
  key: string;
  record: { id: string; name: string; role: string; allowedModels: string[]; expiresAt: string | null };
};

describe("/api/user/keys", () => {
  it("creates a key shown once, which then works on /v1 within its models; lists without secrets", async () => {
    const { cookie } = await chatUser();
    const expiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const res = await call(keysRoute.POST, {
      cookie,
      body: { name: "laptop", expiresAt, allowedModels: ["compat-fake"] },
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Created;
    expect(created.key).toMatch(/^tg-/);
    expect(created.record).toMatchObject({ name: "laptop", role: "USER", allowedModels: ["compat-fake"], expiresAt });

    const answer = await sdk(created.key).chat.completions.create({
      model: "compat-fake",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(answer.choices[0].message.content).toBe("tok0 tok1 tok2 tok3 tok4 ");
    await expect(
      sdk(created.key).chat.completions.create({ model: "gpt-fake", messages: [{ role: "user", content: "hi" }] }),
    ).rejects.toMatchObject({ status: 403 });

    const list = (await (await call(keysRoute.GET, { cookie })).json()) as { items: Array<Record<string, unknown>> };
    expect(list.items).toHaveLength(2); // the helper's key and this one
    expect(JSON.stringify(list)).not.toContain(created.key);
    expect(list.items.every((k) => !("hash" in k))).toBe(true);
  });

  it("refuses bad input, an admin role, unknown models, and creation with an API key", async () => {
    const { cookie, key } = await chatUser();
    const bad: unknown[] = [
      {},
      { name: "" },
      { name: "x", role: "ADMIN" },
      { name: "x", expiresAt: "tomorrow" },
      { name: "x", expiresAt: new Date(Date.now() - 1000).toISOString() },
      { name: "x", allowedModels: ["no-such-model"] },
    ];
    for (const body of bad)
      expect((await call(keysRoute.POST, { cookie, body })).status, JSON.stringify(body)).toBe(400);
    expect((await call(keysRoute.POST, { bearer: key, body: { name: "from a key" } })).status).toBe(403);
    const d = await db();
    expect(await d.apiKey.count({ where: { role: "ADMIN" } })).toBe(0);
  });

  it("revokes your own key at once; someone else's key is 404", async () => {
    const a = await chatUser();
    const b = await chatUser();
    const created = (await (
      await call(keysRoute.POST, { cookie: a.cookie, body: { name: "short-lived" } })
    ).json()) as Created;
    expect((await call(revokeRoute.POST, { cookie: b.cookie, params: { id: created.record.id } })).status).toBe(404);
    const res = await call(revokeRoute.POST, { cookie: a.cookie, params: { id: created.record.id } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { record: { revokedAt: string | null } }).record.revokedAt).toBeTruthy();
    await expect(
      sdk(created.key).chat.completions.create({ model: "compat-fake", messages: [{ role: "user", content: "hi" }] }),
    ).rejects.toMatchObject({ status: 401 });
  });
});
