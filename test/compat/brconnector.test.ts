// Issue 23: BRConnector's documented API (seed 000) at /compat/brconnector, each endpoint called
// with the document's own sample request. A test's title names its endpoint: docs/migrating.md's
// rows are checked against these titles (test/compat/migrating-doc.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as nativeModels from "@/app/api/v1/models/route";
import * as apply from "@/app/compat/brconnector/admin/api-key/apply/route";
import * as keyList from "@/app/compat/brconnector/admin/api-key/list/route";
import * as recharge from "@/app/compat/brconnector/admin/api-key/recharge/route";
import * as update from "@/app/compat/brconnector/admin/api-key/update/route";
import * as region from "@/app/compat/brconnector/admin/config/region/route";
import * as payments from "@/app/compat/brconnector/admin/payment/list/route";
import * as sessions from "@/app/compat/brconnector/admin/session/list/route";
import * as threads from "@/app/compat/brconnector/admin/thread/list/route";
import * as mySession from "@/app/compat/brconnector/user/session/detail/[id]/route";
import * as mySessions from "@/app/compat/brconnector/user/session/list/route";
import * as myThread from "@/app/compat/brconnector/user/thread/detail/[id]/route";
import * as myThreads from "@/app/compat/brconnector/user/thread/list/route";
import * as completions from "@/app/compat/brconnector/v1/chat/completions/route";
import * as models from "@/app/compat/brconnector/v1/models/route";
import { flushRecords } from "@/lib/billing/recorder";
import { getDb } from "@/lib/db/client";
import { createModel } from "@/lib/providers/admin";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { expectAdminOnly, expectValidationError } from "../helpers/admin";
import { ADMIN_TOKEN, call, json, startApp } from "../helpers/app";
import { seedProviders } from "../helpers/gateway";

const up = await startFakeUpstream();
afterAll(() => up.close());

type Applied = {
  key: string;
  id: number;
  api_key: {
    id: number;
    tollgate_id: string;
    name: string;
    role: string;
    limit: { balance: string | null; monthlyQuota: string | null } | null;
  };
  user: { email: string; role: string; groupId: string | null };
};
let jack: Applied;

beforeAll(async () => {
  await startApp();
  const ids = await seedProviders(up);
  await createModel({
    publicId: "claude-3-sonnet",
    providerId: ids.bedrock,
    upstreamId: "anthropic.claude-3-sonnet",
    inputPrice: "3",
    outputPrice: "15",
  });
});

const admin = { bearer: ADMIN_TOKEN };

describe("BRConnector admin API", () => {
  it('POST /compat/brconnector/admin/api-key/apply: the document\'s sample (email "", group_id 1) issues a key that works at once', async () => {
    const res = await call(apply.POST, {
      ...admin,
      body: { name: "jack", group_id: 1, role: "user", email: "", month_quota: 1.0 },
    });
    expect(res.status).toBe(201);
    jack = await json<Applied>(res);
    expect(typeof jack.key).toBe("string");
    expect(Number.isInteger(jack.id) && jack.id > 0).toBe(true);
    expect(jack.api_key).toMatchObject({
      id: jack.id,
      name: "jack",
      role: "USER",
      limit: { monthlyQuota: "1.000000" },
    });
    expect(jack.user.email).toMatch(/^jack-[0-9a-f]{8}@keys\.brconnector\.local$/);
    const db = await getDb();
    expect((await db.group.findUniqueOrThrow({ where: { id: jack.user.groupId! } })).name).toBe("1");
    // The new key works at once, on the compat routes and on the native /v1.
    expect((await call(models.GET, { bearer: jack.key })).status).toBe(200);
    expect((await call(nativeModels.GET, { bearer: jack.key })).status).toBe(200);
    // The same group number again is the same group.
    const again = await json<Applied>(
      await call(apply.POST, { ...admin, body: { name: "jack2", group_id: 1, email: "" } }),
    );
    expect(again.user.groupId).toBe(jack.user.groupId);
  });

  it("POST /compat/brconnector/admin/api-key/apply: the admin-role sample gives an admin key that can use the admin API", async () => {
    const res = await call(apply.POST, { ...admin, body: { name: "rob", group_id: 1, role: "admin", email: "" } });
    expect(res.status).toBe(201);
    const rob = await json<Applied>(res);
    expect(rob.api_key.role).toBe("ADMIN");
    expect(rob.user.role).toBe("ADMIN");
    expect((await call(keyList.GET, { bearer: rob.key, path: "/?q=&limit=10&offset=" })).status).toBe(200);
  });

  it("POST /compat/brconnector/admin/api-key/apply: bad input is a 400 naming the field, and only admins may call it", async () => {
    await expectValidationError(
      await call(apply.POST, { ...admin, body: { name: "x", email: "not-an-email" } }),
      "email",
    );
    await expectValidationError(
      await call(apply.POST, { ...admin, body: { name: "x", email: "", group_id: -1 } }),
      "group_id",
    );
    await expectAdminOnly(apply.POST, { body: { name: "x", email: "" } });
  });

  it("POST /compat/brconnector/admin/api-key/update: the sample changes the key addressed by its number", async () => {
    const res = await call(update.POST, { ...admin, body: { id: jack.id, name: "jack", month_quota: 10.0 } });
    expect(res.status).toBe(200);
    expect((await json<{ api_key: Applied["api_key"] }>(res)).api_key).toMatchObject({
      id: jack.id,
      tollgate_id: jack.api_key.tollgate_id,
      limit: { monthlyQuota: "10.000000" },
    });
    expect((await call(update.POST, { ...admin, body: { id: 999_999, name: "nobody" } })).status).toBe(404);
  });

  it("POST /compat/brconnector/admin/api-key/recharge: the sample tops the key up by its plaintext", async () => {
    const res = await call(recharge.POST, { ...admin, body: { api_key: jack.key, balance: 0.23 } });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ api_key_id: jack.id, tollgate_id: jack.api_key.tollgate_id });
    const byNumber = await call(recharge.POST, { ...admin, body: { id: jack.id, balance: "1.00" } });
    expect(byNumber.status).toBe(200);
    const unknown = await call(recharge.POST, { ...admin, body: { api_key: "br-xxxxxxxxxxxxxxx", balance: 0.23 } });
    expect(unknown.status).toBe(404);
  });

  it("GET /compat/brconnector/admin/payment/list: the sample (empty key_id) and a key's number", async () => {
    const all = await json<{ total: number }>(
      await call(payments.GET, { ...admin, path: "/admin/payment/list?key_id=" }),
    );
    expect(all.total).toBeGreaterThanOrEqual(2);
    const mine = await json<{ total: number; items: Array<{ amount: string }> }>(
      await call(payments.GET, { ...admin, path: `/admin/payment/list?key_id=${jack.id}` }),
    );
    expect(mine.items.map((p) => p.amount).sort()).toEqual(["0.230000", "1.000000"]);
    const none = await json<{ total: number }>(
      await call(payments.GET, { ...admin, path: "/admin/payment/list?key_id=999999" }),
    );
    expect(none.total).toBe(0);
  });

  it("GET /compat/brconnector/admin/api-key/list: the sample lists keys with their numbers", async () => {
    const res = await call(keyList.GET, { ...admin, path: "/admin/api-key/list?q=&limit=10&offset=" });
    expect(res.status).toBe(200);
    const body = await json<{ total: number; items: Array<{ id: number; tollgate_id: string; name: string }> }>(res);
    expect(body.items.find((k) => k.name === "jack")).toMatchObject({
      id: jack.id,
      tollgate_id: jack.api_key.tollgate_id,
    });
  });

  it("POST /compat/brconnector/admin/config/region: the sample sets the regions", async () => {
    const res = await call(region.POST, { ...admin, body: { region: "us-east-1,us-west-2" } });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ regions: ["us-east-1", "us-west-2"] });
  });

  it("GET /compat/brconnector/admin/config/region: lists them", async () => {
    expect(await json(await call(region.GET, admin))).toMatchObject({ regions: ["us-east-1", "us-west-2"] });
  });
});

describe("BRConnector LLM and user API with a key from apply", () => {
  let sessionId = "";
  let threadId = "";

  it("POST /compat/brconnector/v1/chat/completions: the sample (claude-3-sonnet, stream) streams OpenAI chunks", async () => {
    const res = await call(completions.POST, {
      bearer: jack.key,
      body: {
        model: "claude-3-sonnet",
        messages: [{ role: "user", content: "ping" }],
        stream: true,
        temperature: 1,
        max_tokens: 4096,
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const text = await res.text();
    expect(text).toContain('"object":"chat.completion.chunk"');
    expect(text.trim().endsWith("data: [DONE]")).toBe(true);
    await flushRecords();
  });

  it("GET /compat/brconnector/v1/models: the key's models", async () => {
    const body = await json<{ data: Array<{ id: string }> }>(await call(models.GET, { bearer: jack.key }));
    expect(body.data.map((m) => m.id)).toContain("claude-3-sonnet");
  });

  it("GET /compat/brconnector/admin/session/list: the sample, and by the key's number", async () => {
    const res = await call(sessions.GET, {
      ...admin,
      path: `/admin/session/list?q=&limit=10&offset=&key_id=${jack.id}`,
    });
    expect(res.status).toBe(200);
    const body = await json<{ total: number; items: Array<{ id: string }> }>(res);
    expect(body.total).toBe(1);
    sessionId = body.items[0].id;
    expect(
      (
        await json<{ total: number }>(
          await call(sessions.GET, { ...admin, path: "/admin/session/list?q=&limit=10&offset=&key_id=" }),
        )
      ).total,
    ).toBeGreaterThanOrEqual(1);
  });

  it("GET /compat/brconnector/admin/thread/list: the sample, by key number and session", async () => {
    const res = await call(threads.GET, {
      ...admin,
      path: `/admin/thread/list?q=&limit=10&offset=&key_id=${jack.id}&session_id=${sessionId}`,
    });
    expect(res.status).toBe(200);
    const body = await json<{ total: number; items: Array<{ id: string; model: string }> }>(res);
    expect(body.items).toHaveLength(1);
    expect(body.items[0].model).toBe("claude-3-sonnet");
    threadId = body.items[0].id;
  });

  it("GET /compat/brconnector/user/session/list: the key holder's own sessions", async () => {
    const body = await json<{ total: number; items: Array<{ id: string }> }>(
      await call(mySessions.GET, { bearer: jack.key, path: "/user/session/list?q=&limit=10&offset=" }),
    );
    expect(body.items.map((s) => s.id)).toEqual([sessionId]);
  });

  it("GET /compat/brconnector/user/session/detail/{id}: one of them; someone else's is a 404", async () => {
    expect((await call(mySession.GET, { bearer: jack.key, params: { id: sessionId } })).status).toBe(200);
    const other = await json<Applied>(await call(apply.POST, { ...admin, body: { name: "other", email: "" } }));
    expect((await call(mySession.GET, { bearer: other.key, params: { id: sessionId } })).status).toBe(404);
  });

  it("GET /compat/brconnector/user/thread/list: the sample, by session", async () => {
    const body = await json<{ items: Array<{ id: string }> }>(
      await call(myThreads.GET, {
        bearer: jack.key,
        path: `/user/thread/list?q=&limit=10&offset=&session_id=${sessionId}`,
      }),
    );
    expect(body.items.map((t) => t.id)).toEqual([threadId]);
  });

  it("GET /compat/brconnector/user/thread/detail/{id}: one thread in full", async () => {
    const res = await call(myThread.GET, { bearer: jack.key, params: { id: threadId } });
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).toContain("ping");
  });
});
