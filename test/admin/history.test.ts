import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as adminSessionDelete from "@/app/api/admin/session/[id]/route";
import * as adminSessionDetail from "@/app/api/admin/session/detail/[id]/route";
import * as adminSessions from "@/app/api/admin/session/list/route";
import * as adminThreadDetail from "@/app/api/admin/thread/detail/[id]/route";
import * as adminThreads from "@/app/api/admin/thread/list/route";
import * as userSessionDetail from "@/app/api/user/session/detail/[id]/route";
import * as userSessions from "@/app/api/user/session/list/route";
import * as userThreadDetail from "@/app/api/user/thread/detail/[id]/route";
import * as userThreads from "@/app/api/user/thread/list/route";
import { flushRecords } from "@/lib/billing/recorder";
import { getDb } from "@/lib/db/client";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { expectAdminOnly, expectValidationError } from "../helpers/admin";
import { ADMIN_TOKEN, call, cookieFor, json, startApp } from "../helpers/app";
import { sdk, seedProviders, userWithKey } from "../helpers/gateway";

type SessionItem = {
  id: string;
  title: string;
  source: string;
  model: string | null;
  createdAt: string;
  updatedAt: string;
  apiKeyId: string | null;
  user?: { email: string };
};
type ThreadItem = {
  id: string;
  sessionId: string | null;
  model: string;
  status: string;
  cost: string;
  promptTokens: number;
  completionTokens: number;
  user?: { email: string };
};
type Page<T> = { total: number; items: T[] };

const up = await startFakeUpstream();
let alice: Awaited<ReturnType<typeof userWithKey>>;
let bob: Awaited<ReturnType<typeof userWithKey>>;
let aliceCookie = "";
let aliceApiSession = "";
let aliceChatSession = "";
let bobSession = "";

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
  alice = await userWithKey();
  bob = await userWithKey();
  aliceCookie = await cookieFor(alice.user.email);
  const first = [{ role: "user" as const, content: "echo: hello penguin" }];
  const r1 = await sdk(alice.key).chat.completions.create({ model: "gpt-fake", messages: first });
  await sdk(alice.key).chat.completions.create({
    model: "gpt-fake",
    messages: [...first, r1.choices[0].message, { role: "user", content: "echo: second turn" }],
  });
  await sdk(bob.key).chat.completions.create({
    model: "compat-fake",
    messages: [{ role: "user", content: "echo: zebra crossing" }],
  });
  await flushRecords();
  const db = await getDb();
  aliceApiSession = (await db.chatSession.findFirstOrThrow({ where: { userId: alice.user.id, source: "API" } })).id;
  bobSession = (await db.chatSession.findFirstOrThrow({ where: { userId: bob.user.id } })).id;
  const chat = await db.chatSession.create({
    data: { userId: alice.user.id, source: "CHAT", title: "Animals", model: "gpt-fake" },
  });
  aliceChatSession = chat.id;
  await db.message.create({
    data: {
      sessionId: chat.id,
      role: "user",
      parts: [{ type: "text", text: "the quick brown fox" }],
      text: "the quick brown fox",
    },
  });
  await db.message.create({
    data: {
      sessionId: chat.id,
      role: "assistant",
      parts: [{ type: "text", text: "jumps" }],
      text: "jumps",
      model: "gpt-fake",
    },
  });
});
afterAll(() => up.close());

const list = <T>(res: Response) => json<Page<T>>(res);

describe("GET /api/admin/session/list", () => {
  it("lists everyone's sessions newest first, with their owner", async () => {
    const body = await list<SessionItem>(
      await call(adminSessions.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/session/list" }),
    );
    expect(body.total).toBe(3);
    expect(body.items.map((s) => s.id)).toEqual([aliceChatSession, bobSession, aliceApiSession]);
    expect(body.items[1].user?.email).toBe(bob.user.email);
  });

  it("filters by user and key and searches titles, messages and request content", async () => {
    const byUser = await list<SessionItem>(
      await call(adminSessions.GET, { bearer: ADMIN_TOKEN, path: `/api/admin/session/list?user_id=${alice.user.id}` }),
    );
    expect(byUser.items.map((s) => s.id).sort()).toEqual([aliceApiSession, aliceChatSession].sort());
    const byKey = await list<SessionItem>(
      await call(adminSessions.GET, { bearer: ADMIN_TOKEN, path: `/api/admin/session/list?key_id=${bob.keyId}` }),
    );
    expect(byKey.items.map((s) => s.id)).toEqual([bobSession]);
    const search = async (q: string) =>
      (
        await list<SessionItem>(
          await call(adminSessions.GET, {
            bearer: ADMIN_TOKEN,
            path: `/api/admin/session/list?q=${encodeURIComponent(q)}`,
          }),
        )
      ).items.map((s) => s.id);
    expect(await search("BROWN FOX")).toEqual([aliceChatSession]);
    expect(await search("second turn")).toEqual([aliceApiSession]); // only in the second request's prompt
    expect(await search("zebra")).toEqual([bobSession]);
    expect(await search("50%")).toEqual([]);
  });

  it("answers 400 for a bad page size and is for administrators only", async () => {
    await expectValidationError(
      await call(adminSessions.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/session/list?limit=0" }),
      "limit",
    );
    await expectAdminOnly(adminSessions.GET, { path: "/api/admin/session/list" });
  });
});

describe("GET /api/admin/session/detail/{id}", () => {
  it("returns the messages and the requests with money as strings", async () => {
    const res = await call(adminSessionDetail.GET, { bearer: ADMIN_TOKEN, params: { id: aliceApiSession } });
    const body = await json<{
      session: SessionItem;
      messages: unknown[];
      requests: Array<{ cost: string; status: string }>;
    }>(res);
    expect(body.session).toMatchObject({ id: aliceApiSession, source: "API", user: { email: alice.user.email } });
    expect(body.requests).toHaveLength(2);
    expect(body.requests[0].cost).toMatch(/^\d+\.\d{6}$/);
    const chat = await json<{ messages: Array<{ role: string; text: string; flagged: boolean }> }>(
      await call(adminSessionDetail.GET, { bearer: ADMIN_TOKEN, params: { id: aliceChatSession } }),
    );
    expect(chat.messages.map((m) => [m.role, m.text])).toEqual([
      ["user", "the quick brown fox"],
      ["assistant", "jumps"],
    ]);
  });

  it("answers 404 for an unknown id and 400 for a malformed one", async () => {
    expect((await call(adminSessionDetail.GET, { bearer: ADMIN_TOKEN, params: { id: "nope" } })).status).toBe(404);
    await expectValidationError(
      await call(adminSessionDetail.GET, { bearer: ADMIN_TOKEN, params: { id: "x".repeat(65) } }),
      "id",
    );
  });

  it("is for administrators only", async () => {
    await expectAdminOnly(adminSessionDetail.GET, { params: { id: aliceApiSession } });
  });
});

describe("DELETE /api/admin/session/{id}", () => {
  it("deletes the conversation, keeps its requests and writes an audit row", async () => {
    const db = await getDb();
    const doomed = await db.chatSession.create({ data: { userId: bob.user.id, title: "to delete" } });
    await db.message.create({ data: { sessionId: doomed.id, role: "user", parts: [], text: "bye" } });
    await db.request.create({
      data: {
        id: `req-doomed-${Date.now()}`,
        userId: bob.user.id,
        sessionId: doomed.id,
        model: "gpt-fake",
        status: "OK",
      },
    });
    const res = await call(adminSessionDelete.DELETE, {
      method: "DELETE",
      bearer: ADMIN_TOKEN,
      params: { id: doomed.id },
    });
    expect(res.status).toBe(200);
    expect(await db.chatSession.findUnique({ where: { id: doomed.id } })).toBeNull();
    expect(await db.message.count({ where: { sessionId: doomed.id } })).toBe(0);
    expect(await db.request.count({ where: { id: { startsWith: "req-doomed-" }, sessionId: null } })).toBe(1);
    expect(await db.auditLog.count({ where: { action: "session.delete", targetId: doomed.id } })).toBe(1);
    expect((await call(adminSessionDetail.GET, { bearer: ADMIN_TOKEN, params: { id: doomed.id } })).status).toBe(404);
    await db.request.deleteMany({ where: { id: { startsWith: "req-doomed-" } } });
  });

  it("answers 404 for an unknown id, 400 for a malformed one, and is for administrators only", async () => {
    expect(
      (await call(adminSessionDelete.DELETE, { method: "DELETE", bearer: ADMIN_TOKEN, params: { id: "nope" } })).status,
    ).toBe(404);
    await expectValidationError(
      await call(adminSessionDelete.DELETE, { method: "DELETE", bearer: ADMIN_TOKEN, params: { id: "" } }),
      "id",
    );
    await expectAdminOnly(adminSessionDelete.DELETE, { method: "DELETE", params: { id: aliceApiSession } });
  });
});

describe("GET /api/admin/thread/list", () => {
  it("lists requests newest first with filters, money as strings and no BigInt", async () => {
    const all = await list<ThreadItem>(
      await call(adminThreads.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/thread/list" }),
    );
    expect(all.total).toBe(3);
    expect(all.items[0].user?.email).toBe(bob.user.email);
    expect(all.items.every((t) => /^\d+\.\d{6}$/.test(t.cost))).toBe(true);
    const path = (qs: string) => ({ bearer: ADMIN_TOKEN, path: `/api/admin/thread/list?${qs}` });
    expect((await list<ThreadItem>(await call(adminThreads.GET, path(`session_id=${aliceApiSession}`)))).total).toBe(2);
    expect((await list<ThreadItem>(await call(adminThreads.GET, path(`key_id=${bob.keyId}`)))).total).toBe(1);
    expect((await list<ThreadItem>(await call(adminThreads.GET, path("model=compat-fake&status=ok")))).total).toBe(1);
    expect(
      (await list<ThreadItem>(await call(adminThreads.GET, path(`user_id=${alice.user.id}&q=penguin`)))).total,
    ).toBe(1);
    const today = new Date().toISOString().slice(0, 10);
    expect((await list<ThreadItem>(await call(adminThreads.GET, path(`from=${today}&to=${today}`)))).total).toBe(3);
    expect((await list<ThreadItem>(await call(adminThreads.GET, path("to=2001-01-01")))).total).toBe(0);
  });

  it("answers 400 naming the field for bad filters and is for administrators only", async () => {
    await expectValidationError(
      await call(adminThreads.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/thread/list?status=bogus" }),
      "status",
    );
    await expectValidationError(
      await call(adminThreads.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/thread/list?from=yesterday" }),
      "from",
    );
    await expectAdminOnly(adminThreads.GET, { path: "/api/admin/thread/list" });
  });
});

describe("GET /api/admin/thread/detail/{id}", () => {
  it("shows prompt, reply, tokens, cost and timings", async () => {
    const db = await getDb();
    const row = await db.request.findFirstOrThrow({ where: { userId: bob.user.id, status: "OK" } });
    const body = await json<Record<string, unknown>>(
      await call(adminThreadDetail.GET, { bearer: ADMIN_TOKEN, params: { id: row.id } }),
    );
    expect(body).toMatchObject({
      id: row.id,
      model: "compat-fake",
      status: "OK",
      reply: "zebra crossing",
      promptTokens: row.promptTokens,
      completionTokens: 2,
    });
    expect(body.prompt).toEqual([{ role: "user", content: "echo: zebra crossing" }]);
    expect(body.cost).toMatch(/^0\.0000\d\d$/);
    expect(typeof body.latencyMs).toBe("number");
    expect(body).toHaveProperty("ttftMs");
    expect(body).not.toHaveProperty("limitIds");
  });

  it("answers 404 for an unknown id and is for administrators only", async () => {
    expect((await call(adminThreadDetail.GET, { bearer: ADMIN_TOKEN, params: { id: "nope" } })).status).toBe(404);
    await expectValidationError(
      await call(adminThreadDetail.GET, { bearer: ADMIN_TOKEN, params: { id: "x".repeat(65) } }),
      "id",
    );
    await expectAdminOnly(adminThreadDetail.GET, { params: { id: "nope" } });
  });
});

describe("GET /api/user/session/list", () => {
  it("lists only the caller's sessions, newest first, in the shape the chat sidebar reads", async () => {
    const body = await list<SessionItem>(
      await call(userSessions.GET, { cookie: aliceCookie, path: "/api/user/session/list" }),
    );
    expect(body.total).toBe(2);
    expect(body.items.map((s) => s.id)).toEqual([aliceChatSession, aliceApiSession]);
    expect(Object.keys(body.items[0]).sort()).toEqual([
      "apiKeyId",
      "createdAt",
      "id",
      "model",
      "source",
      "title",
      "updatedAt",
    ]);
    expect(body.items[1]).toMatchObject({ source: "API", apiKeyId: alice.keyId, title: "echo: hello penguin" });
    const byKey = await list<SessionItem>(
      await call(userSessions.GET, { bearer: bob.key, path: "/api/user/session/list" }),
    );
    expect(byKey.items.map((s) => s.id)).toEqual([bobSession]);
  });

  it("searches the caller's content only", async () => {
    const hit = await list<SessionItem>(
      await call(userSessions.GET, { cookie: aliceCookie, path: "/api/user/session/list?q=fox" }),
    );
    expect(hit.items.map((s) => s.id)).toEqual([aliceChatSession]);
    const other = await list<SessionItem>(
      await call(userSessions.GET, { cookie: aliceCookie, path: "/api/user/session/list?q=zebra" }),
    );
    expect(other.total).toBe(0);
  });

  it("answers 400 for bad paging, 401 without credentials, 403 for the admin token", async () => {
    await expectValidationError(
      await call(userSessions.GET, { cookie: aliceCookie, path: "/api/user/session/list?limit=abc" }),
      "limit",
    );
    expect((await call(userSessions.GET, { path: "/api/user/session/list" })).status).toBe(401);
    expect((await call(userSessions.GET, { bearer: ADMIN_TOKEN, path: "/api/user/session/list" })).status).toBe(403);
  });
});

describe("GET /api/user/session/detail/{id}", () => {
  it("returns the caller's session with messages and requests, and 404 for someone else's", async () => {
    const res = await call(userSessionDetail.GET, { cookie: aliceCookie, params: { id: aliceChatSession } });
    const body = await json<{ session: SessionItem; messages: Array<Record<string, unknown>>; requests: unknown[] }>(
      res,
    );
    expect(body.session).not.toHaveProperty("user");
    expect(Object.keys(body.messages[0]).sort()).toEqual([
      "branch",
      "createdAt",
      "flagReason",
      "flagged",
      "id",
      "model",
      "parentId",
      "partial",
      "parts",
      "requestId",
      "role",
      "text",
    ]);
    const api = await json<{ requests: Array<Record<string, unknown>> }>(
      await call(userSessionDetail.GET, { bearer: alice.key, params: { id: aliceApiSession } }),
    );
    expect(Object.keys(api.requests[0]).sort()).toEqual([
      "completionTokens",
      "cost",
      "createdAt",
      "id",
      "model",
      "promptTokens",
      "status",
      "ttftMs",
    ]);
    const theirs = await call(userSessionDetail.GET, { cookie: aliceCookie, params: { id: bobSession } });
    expect(theirs.status).toBe(404);
  });

  it("answers 400 for a malformed id and 401 without credentials", async () => {
    await expectValidationError(
      await call(userSessionDetail.GET, { cookie: aliceCookie, params: { id: "x".repeat(65) } }),
      "id",
    );
    expect((await call(userSessionDetail.GET, { params: { id: aliceChatSession } })).status).toBe(401);
  });
});

describe("GET /api/user/thread/list", () => {
  it("lists the caller's requests, by session, never another user's", async () => {
    const mine = await list<ThreadItem>(
      await call(userThreads.GET, { bearer: alice.key, path: `/api/user/thread/list?session_id=${aliceApiSession}` }),
    );
    expect(mine.total).toBe(2);
    expect(mine.items[0]).not.toHaveProperty("user");
    const theirs = await list<ThreadItem>(
      await call(userThreads.GET, { bearer: alice.key, path: `/api/user/thread/list?session_id=${bobSession}` }),
    );
    expect(theirs.total).toBe(0);
    const all = await list<ThreadItem>(
      await call(userThreads.GET, { cookie: aliceCookie, path: "/api/user/thread/list" }),
    );
    expect(all.total).toBe(2);
  });

  it("answers 400 for a bad filter and 401 without credentials", async () => {
    await expectValidationError(
      await call(userThreads.GET, { cookie: aliceCookie, path: "/api/user/thread/list?to=31/12/2025" }),
      "to",
    );
    expect((await call(userThreads.GET, { path: "/api/user/thread/list" })).status).toBe(401);
  });
});

describe("GET /api/user/thread/detail/{id}", () => {
  it("returns the caller's request and 404 for someone else's", async () => {
    const db = await getDb();
    const aliceRow = await db.request.findFirstOrThrow({ where: { userId: alice.user.id } });
    const bobRow = await db.request.findFirstOrThrow({ where: { userId: bob.user.id } });
    const mine = await call(userThreadDetail.GET, { cookie: aliceCookie, params: { id: aliceRow.id } });
    expect(mine.status).toBe(200);
    expect(await json(mine)).toMatchObject({ id: aliceRow.id, sessionId: aliceApiSession });
    expect((await call(userThreadDetail.GET, { cookie: aliceCookie, params: { id: bobRow.id } })).status).toBe(404);
  });

  it("answers 400 for a malformed id and 401 without credentials", async () => {
    await expectValidationError(await call(userThreadDetail.GET, { cookie: aliceCookie, params: { id: "" } }), "id");
    expect((await call(userThreadDetail.GET, { params: { id: "x" } })).status).toBe(401);
  });
});
