// Issue 23: the ChatGPT-style app's documented API (seed 003) at /compat/chatgpt, each endpoint
// called with the document's own parameters: the host's signed `s=` token, the chat, the
// dashboard (administrators) and the signed /int/tokens.
import { createHmac, randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as file from "@/app/compat/chatgpt/chat/file/route";
import * as flag from "@/app/compat/chatgpt/chat/flag/route";
import * as message from "@/app/compat/chatgpt/chat/message/route";
import * as thread from "@/app/compat/chatgpt/chat/thread/route";
import * as resume from "@/app/compat/chatgpt/dashboard/overall/resume/route";
import * as usage from "@/app/compat/chatgpt/dashboard/overall/usage/route";
import * as transactions from "@/app/compat/chatgpt/dashboard/transactions/route";
import * as oneUser from "@/app/compat/chatgpt/dashboard/users/[id]/route";
import * as tokens from "@/app/compat/chatgpt/dashboard/users/[id]/tokens/route";
import * as users from "@/app/compat/chatgpt/dashboard/users/route";
import * as intTokens from "@/app/compat/chatgpt/int/tokens/route";
import { flushRecords } from "@/lib/billing/recorder";
import { getDb } from "@/lib/db/client";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { ADMIN_EMAIL, ADMIN_TOKEN, call, cookieFor, json, startApp } from "../helpers/app";
import { seedProviders } from "../helpers/gateway";

const SHARED = "a-shared-secret-with-at-least-32-characters!";
const INTEGRATION = "integration-secret-for-compat-tests";
process.env.SSO_SHARED_SECRET = SHARED;
process.env.INTEGRATION_SECRET = INTEGRATION;
process.env.OPENAI_MODEL = "gpt-fake";

const up = await startFakeUpstream();
afterAll(() => up.close());

let s = "";
let threadId = "";
let userId = "";
let messageId = "";
const admin = { bearer: ADMIN_TOKEN };

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
});

function hostToken(sub = "host-user-1") {
  return new SignJWT({ email: "ada@host.example", name: "Ada" })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(sub)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(new TextEncoder().encode(SHARED));
}

describe("ChatGPT app chat", () => {
  it("GET /compat/chatgpt/chat/thread: the host's token creates the user and a thread, and is exchanged for a session (taken once)", async () => {
    const token = await hostToken();
    const res = await call(thread.GET, { path: `/chat/thread?s=${token}` });
    expect(res.status).toBe(200);
    const body = await json<{
      thread: { id: string; messages: unknown[] };
      user: { id: string; email: string; token_balance: string | null };
      session: { s: string };
    }>(res);
    expect(body).toMatchObject({
      thread: { id: expect.any(String), messages: [] },
      user: { email: "ada@host.example" },
      session: { s: expect.stringMatching(/^eyJ/) },
    });
    s = body.session.s;
    threadId = body.thread.id;
    userId = body.user.id;
    // the host's token is single-use; the session is not
    expect((await call(thread.GET, { path: `/chat/thread?s=${token}` })).status).toBe(401);
    const again = await json<{ thread: { id: string } }>(await call(thread.GET, { path: `/chat/thread?s=${s}` }));
    expect(again.thread.id).toBe(threadId);
    expect((await call(thread.GET, { path: "/chat/thread" })).status).toBe(400);
    expect((await call(thread.GET, { path: "/chat/thread?s=garbage" })).status).toBe(401);
  });

  it("GET /compat/chatgpt/chat/message: streams the answer and usage as events, billed to the user's tokens; a spent allowance is a 429", async () => {
    const db = await getDb();
    await db.limit.update({ where: { userId }, data: { tokenAllowance: 100_000n } });
    const res = await call(message.GET, {
      path: `/chat/message?t=${threadId}&m=${encodeURIComponent("Hello there")}&s=${s}`,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const text = await res.text();
    expect(text).toMatch(/^event: delta\ndata: \{"text":".+"\}\n\n/);
    expect(text).toContain("event: usage");
    expect(text).toContain("event: done");
    await flushRecords();
    await expect
      .poll(async () => (await db.limit.findUniqueOrThrow({ where: { userId } })).tokenAllowance)
      .toBeLessThan(100_000n);
    await db.limit.update({ where: { userId }, data: { tokenAllowance: 0n, grantAmount: null } });
    expect((await call(message.GET, { path: `/chat/message?t=${threadId}&m=again&s=${s}` })).status).toBe(429);
    await db.limit.update({ where: { userId }, data: { tokenAllowance: null } });
    expect((await call(message.GET, { path: `/chat/message?t=${threadId}&s=${s}` })).status).toBe(400);
    expect((await call(message.GET, { path: `/chat/message?t=${threadId}&m=x&s=bad` })).status).toBe(401);
    const m = await db.message.findFirstOrThrow({ where: { sessionId: threadId, role: "assistant" } });
    messageId = m.id;
  });

  it("GET /compat/chatgpt/chat/flag: flags a message of the thread", async () => {
    const res = await call(flag.GET, { path: `/chat/flag?t=${threadId}&m=${messageId}&s=${s}` });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ flagged: true });
    expect((await call(flag.GET, { path: `/chat/flag?t=${threadId}&s=${s}` })).status).toBe(400);
    expect((await call(flag.GET, { path: `/chat/flag?t=${threadId}&m=nope&s=${s}` })).status).toBe(404);
  });

  it("GET /compat/chatgpt/chat/file: an attached image by id; a bad id is a 400", async () => {
    const db = await getDb();
    const png = Buffer.from("89504e470d0a1a0a", "hex");
    const m = await db.message.create({
      data: {
        sessionId: threadId,
        role: "user",
        text: "",
        parts: [{ type: "file", mediaType: "image/png", url: `data:image/png;base64,${png.toString("base64")}` }],
      },
    });
    const res = await call(file.GET, { path: `/chat/file?id=${m.id}:0&s=${s}` });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await res.arrayBuffer())).toEqual(png);
    expect((await call(file.GET, { path: `/chat/file?s=${s}` })).status).toBe(400);
    expect((await call(file.GET, { path: `/chat/file?id=${messageId}:0&s=${s}` })).status).toBe(400);
  });
});

describe("ChatGPT app dashboard (administrators)", () => {
  it("GET /compat/chatgpt/dashboard/overall/usage: by day, month, company and user", async () => {
    const from = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
    const res = await call(usage.GET, {
      ...admin,
      path: `/dashboard/overall/usage?date_from=${from}&date_to=${new Date().toISOString()}`,
    });
    expect(res.status).toBe(200);
    expect(Object.keys(await json(res))).toEqual(expect.arrayContaining(["day", "month", "company", "user"]));
    expect((await call(usage.GET, { ...admin, path: "/dashboard/overall/usage?date_from=yesterday" })).status).toBe(
      400,
    );
    expect((await call(usage.GET, { bearer: s, path: "/dashboard/overall/usage" })).status).toBe(403);
  });

  it("POST /compat/chatgpt/dashboard/overall/resume: a written summary through the gateway", async () => {
    // The summary runs a model for an administrator's account (not the ADMIN_API_KEY token).
    const res = await call(resume.POST, {
      cookie: await cookieFor(ADMIN_EMAIL),
      headers: { origin: "http://localhost" },
      body: { stats: { total: 1 }, model: "gpt-fake" },
    });
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json()).length).toBeGreaterThan(10);
  });

  it("GET /compat/chatgpt/dashboard/transactions: paged ledger rows with totals", async () => {
    const res = await call(transactions.GET, {
      ...admin,
      path: "/dashboard/transactions?limit=10&start=0&date_from=2020-01-01",
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({
      total: expect.any(Number),
      transactions: expect.any(Array),
      stats: expect.any(Object),
    });
    expect((await call(transactions.GET, { ...admin, path: "/dashboard/transactions?limit=-1" })).status).toBe(400);
  });

  it("GET /compat/chatgpt/dashboard/users: paged users", async () => {
    const body = await json<{ total: number; users: Array<{ email: string }> }>(
      await call(users.GET, { ...admin, path: "/dashboard/users?limit=10&start=0" }),
    );
    expect(body.users.map((u) => u.email)).toContain("ada@host.example");
  });

  it("GET /compat/chatgpt/dashboard/users/{id}: one user", async () => {
    expect(await json(await call(oneUser.GET, { ...admin, params: { id: userId } }))).toMatchObject({
      user: { email: "ada@host.example" },
    });
    expect((await call(oneUser.GET, { ...admin, params: { id: "nobody" } })).status).toBe(404);
  });

  it("POST /compat/chatgpt/dashboard/users/{id}/tokens: sets token balance and grant", async () => {
    const res = await call(tokens.POST, {
      ...admin,
      params: { id: userId },
      body: { token_balance: 5000, token_grant: 1000 },
    });
    expect(res.status).toBe(200);
    const db = await getDb();
    expect(await db.limit.findUniqueOrThrow({ where: { userId } })).toMatchObject({
      tokenAllowance: 5000n,
      grantAmount: 1000n,
    });
    expect((await call(tokens.POST, { ...admin, params: { id: userId }, body: { token_balance: -1 } })).status).toBe(
      400,
    );
  });
});

describe("ChatGPT app integration", () => {
  const sign = (search: string, body: string) => {
    const ts = String(Math.floor(Date.now() / 1000));
    return {
      "x-tollgate-timestamp": ts,
      "x-tollgate-signature": createHmac("sha256", INTEGRATION).update(`${ts}.${search}.${body}`).digest("hex"),
      "content-type": "application/json",
    };
  };

  it("POST /compat/chatgpt/int/tokens: a signed call creates or updates the user by internal id; unsigned or replayed is a 401", async () => {
    const search = "?id=crm-42&quota=2500";
    const body = JSON.stringify({ int: { email: "bob@host.example", name: "Bob" } });
    const headers = sign(search, body);
    const res = await call(intTokens.POST, { path: `/int/tokens${search}`, rawBody: body, headers, method: "POST" });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({
      user: { email: "bob@host.example", external_id: "crm-42" },
      created: true,
    });
    expect(
      (await call(intTokens.POST, { path: `/int/tokens${search}`, rawBody: body, headers, method: "POST" })).status,
    ).toBe(401);
    // the quota is signed: changing it breaks the signature
    expect(
      (
        await call(intTokens.POST, {
          path: "/int/tokens?id=crm-42&quota=999999",
          rawBody: body,
          headers: sign(search, body),
          method: "POST",
        })
      ).status,
    ).toBe(401);
    expect((await call(intTokens.POST, { path: `/int/tokens${search}`, rawBody: body, method: "POST" })).status).toBe(
      401,
    );
  });
});
