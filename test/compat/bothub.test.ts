// Issue 23: Bothub's documented API (seed 002) at /compat/bothub, each endpoint called with the
// document's own sample payload, in its workflow's order: register, log in, top up (refused),
// create a model, create a chat, send a message, and the three event streams.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as login from "@/app/compat/bothub/auth/login/route";
import * as refresh from "@/app/compat/bothub/auth/refresh/route";
import * as register from "@/app/compat/bothub/auth/register/route";
import * as chatCreate from "@/app/compat/bothub/chat/create/route";
import * as message from "@/app/compat/bothub/chat/message/route";
import * as chatEvents from "@/app/compat/bothub/chat/sse/[chatUid]/route";
import * as allEvents from "@/app/compat/bothub/chat/sse/route";
import * as modelCreate from "@/app/compat/bothub/model/create/route";
import * as balance from "@/app/compat/bothub/transaction/balance-sse/route";
import * as make from "@/app/compat/bothub/transaction/my/make/route";
import { flushRecords } from "@/lib/billing/recorder";
import { getDb } from "@/lib/db/client";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { ADMIN_EMAIL, call, json, startApp } from "../helpers/app";

const up = await startFakeUpstream();
afterAll(() => up.close());

const sample = {
  firstName: "John",
  lastName: "Doe",
  mail: "john.doe@example.com",
  phone: "1234567890",
  role: "USER",
  password: "securepassword",
};
let access = "";
let refreshToken = "";
let adminAccess = "";
let modelUid = "";
let chatUid = "";

beforeAll(async () => {
  await startApp();
});

/** The first `data:` event of an SSE response, then the stream is closed. */
async function firstEvent(res: Response, abort: AbortController): Promise<Record<string, unknown>> {
  const reader = res.body!.getReader();
  let text = "";
  while (!text.includes("\n\n") || !text.includes("data: "))
    text += new TextDecoder().decode((await reader.read()).value);
  abort.abort();
  await reader.cancel();
  return JSON.parse(text.slice(text.indexOf("data: ") + 6, text.indexOf("\n\n", text.indexOf("data: "))));
}

describe("Bothub accounts", () => {
  it("POST /compat/bothub/auth/register: the sample registers; role ADMIN is refused with 403 naming the admin way", async () => {
    const res = await call(register.POST, { body: sample });
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({
      uid: expect.any(String),
      mail: "john.doe@example.com",
      firstName: "John",
      lastName: "Doe",
      role: "USER",
    });
    const admin = await call(register.POST, { body: { ...sample, mail: "mallory@example.com", role: "ADMIN" } });
    expect(admin.status).toBe(403);
    expect(await json(admin)).toMatchObject({ statusCode: 403, message: expect.stringContaining("administrator") });
    const db = await getDb();
    expect(await db.user.findUnique({ where: { email: "mallory@example.com" } })).toBeNull();
    const bad = await call(register.POST, { body: { ...sample, mail: "nope" } });
    expect(bad.status).toBe(400);
    expect(await json(bad)).toMatchObject({ statusCode: 400, field: "mail" });
  });

  it("POST /compat/bothub/auth/login: the sample answers access and refresh tokens", async () => {
    const res = await call(login.POST, { body: { mail: "john.doe@example.com", password: "securepassword" } });
    expect(res.status).toBe(200);
    const body = await json<{ accessToken: string; refreshToken: string }>(res);
    expect(body).toMatchObject({
      accessToken: expect.stringMatching(/^eyJ/),
      refreshToken: expect.stringMatching(/^tgr_/),
    });
    access = body.accessToken;
    refreshToken = body.refreshToken;
    expect(
      (await call(login.POST, { body: { mail: "john.doe@example.com", password: "wrong-password" } })).status,
    ).toBe(401);
    adminAccess = (
      await json<{ accessToken: string }>(
        await call(login.POST, { body: { mail: ADMIN_EMAIL, password: process.env.ADMIN_PASSWORD } }),
      )
    ).accessToken;
  });

  it("POST /compat/bothub/auth/refresh: rotates the pair; the old refresh token again revokes the sign-in", async () => {
    const res = await call(refresh.POST, { body: { refreshToken } });
    expect(res.status).toBe(200);
    const next = await json<{ accessToken: string; refreshToken: string }>(res);
    expect(next.refreshToken).not.toBe(refreshToken);
    expect((await call(refresh.POST, { body: { refreshToken } })).status).toBe(401);
    expect((await call(refresh.POST, { body: { refreshToken: next.refreshToken } })).status).toBe(401);
    access = (
      await json<{ accessToken: string }>(
        await call(login.POST, { body: { mail: "john.doe@example.com", password: "securepassword" } }),
      )
    ).accessToken;
  });
});

describe("Bothub balance, models and chats", () => {
  it("POST /compat/bothub/transaction/my/make: the sample is refused with 402 naming the payment way; nothing is credited", async () => {
    const res = await call(make.POST, {
      bearer: access,
      body: { amount: 100, type: "PURCHASE", description: "Initial top-up" },
    });
    expect(res.status).toBe(402);
    expect(await json(res)).toMatchObject({
      statusCode: 402,
      code: "payment_required",
      message: expect.stringContaining("payment"),
    });
    const db = await getDb();
    expect(await db.transaction.count({ where: { kind: "RECHARGE" } })).toBe(0);
    expect((await call(make.POST, { body: { amount: 100 } })).status).toBe(401);
  });

  it("POST /compat/bothub/model/create: the sample creates the upstream and the model in one step (admins only)", async () => {
    expect(
      (
        await call(modelCreate.POST, {
          bearer: access,
          body: { name: "TestModel", token_cost: 10, api_link: "https://api.example.com/model" },
        })
      ).status,
    ).toBe(403);
    const res = await call(modelCreate.POST, {
      bearer: adminAccess,
      body: {
        name: "TestModel",
        description: "AI Model for testing",
        token_cost: 10,
        api_link: "https://api.example.com/model",
        auth_token: "secure_auth_token",
      },
    });
    expect(res.status).toBe(201);
    const body = await json<{ uid: string; name: string; token_cost: string }>(res);
    expect(body).toMatchObject({ name: "TestModel", token_cost: "10.000000" });
    expect(JSON.stringify(body)).not.toContain("secure_auth_token");
    const db = await getDb();
    const model = await db.model.findUniqueOrThrow({ where: { id: body.uid }, include: { provider: true } });
    expect(model.inputPrice).toBe(10_000_000_000_000n); // 10 per token = 10,000,000 per million, in micro-units
    expect(model.provider).toMatchObject({ kind: "OPENAI_COMPATIBLE", baseUrl: "https://api.example.com/model" });
    // the same name again: 409, and no second upstream is left behind
    const providers = await db.provider.count();
    expect(
      (
        await call(modelCreate.POST, {
          bearer: adminAccess,
          body: { name: "TestModel", token_cost: 1, api_link: "https://api.example.com/model" },
        })
      ).status,
    ).toBe(409);
    expect(await db.provider.count()).toBe(providers);
  });

  it("POST /compat/bothub/chat/create: answers {chatUid}", async () => {
    const res = await call(chatCreate.POST, { bearer: access, method: "POST" });
    expect(res.status).toBe(201);
    chatUid = (await json<{ chatUid: string }>(res)).chatUid;
    expect(chatUid).toMatch(/^\w+$/);
  });

  it("POST /compat/bothub/chat/message: the sample's shape, answered through the gateway and billed to the user", async () => {
    // A model on the fake upstream (the sample's api.example.com is not reachable from tests), created the Bothub way.
    const res = await call(modelCreate.POST, {
      bearer: adminAccess,
      body: { name: "fake-model", token_cost: "0.000001", api_link: `${up.url}/v1`, auth_token: "k" },
    });
    modelUid = (await json<{ uid: string }>(res)).uid;
    const db = await getDb();
    const user = await db.user.findUniqueOrThrow({ where: { email: "john.doe@example.com" } });
    await db.limit.update({ where: { userId: user.id }, data: { balance: 1_000_000n } });
    const sent = await call(message.POST, {
      bearer: access,
      body: { role: "user", message: "Hello, how can I assist you today?", chatUid, modelUid },
    });
    expect(sent.status).toBe(200);
    expect(await json(sent)).toMatchObject({ chatUid, message: { role: "assistant", content: expect.any(String) } });
    await flushRecords();
    await expect
      .poll(async () => (await db.limit.findUniqueOrThrow({ where: { userId: user.id } })).balance)
      .toBeLessThan(1_000_000n);
    // someone else's chat is a 404; a role other than user a 400
    expect(
      (await call(message.POST, { bearer: adminAccess, body: { role: "user", message: "x", chatUid, modelUid } }))
        .status,
    ).toBe(404);
    expect(
      (await call(message.POST, { bearer: access, body: { role: "assistant", message: "x", chatUid, modelUid } }))
        .status,
    ).toBe(400);
  });

  it("GET /compat/bothub/chat/sse/{chatUid}: the chat's messages as events", async () => {
    const abort = new AbortController();
    const res = await call(chatEvents.GET, { bearer: access, params: { chatUid }, signal: abort.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const event = await firstEvent(res, abort);
    expect(event).toMatchObject({
      chatUid,
      messages: [{ role: "user", content: "Hello, how can I assist you today?" }, { role: "assistant" }],
    });
  });

  it("GET /compat/bothub/chat/sse: the user's chats as events", async () => {
    const abort = new AbortController();
    const event = await firstEvent(await call(allEvents.GET, { bearer: access, signal: abort.signal }), abort);
    expect(event).toMatchObject({ chats: [{ chatUid }] });
  });

  it("GET /compat/bothub/transaction/balance-sse: the balance as events", async () => {
    const abort = new AbortController();
    const res = await call(balance.GET, { bearer: access, signal: abort.signal });
    expect(res.status).toBe(200);
    const event = await firstEvent(res, abort);
    expect(event).toMatchObject({ balance: expect.any(String) });
  });
});
