// Issue 23: Brousla's documented API (seed 001) at /compat/brousla, each endpoint called with the
// document's own sample: register, login for a bearer token, who am I, chat (whole and streamed).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as nativeMe from "@/app/api/auth/me/route";
import * as chat from "@/app/compat/brousla/api/chat/route";
import * as login from "@/app/compat/brousla/auth/login/route";
import * as me from "@/app/compat/brousla/auth/me/route";
import * as register from "@/app/compat/brousla/auth/register/route";
import { flushRecords } from "@/lib/billing/recorder";
import { getDb } from "@/lib/db/client";
import { createModel } from "@/lib/providers/admin";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { call, json, startApp } from "../helpers/app";
import { seedProviders } from "../helpers/gateway";

const up = await startFakeUpstream();
afterAll(() => up.close());
let token = "";

beforeAll(async () => {
  await startApp();
  const ids = await seedProviders(up);
  await createModel({
    publicId: "gpt-4-turbo-preview",
    providerId: ids.openai,
    upstreamId: "fake-model",
    inputPrice: "10",
    outputPrice: "30",
  });
});

describe("Brousla auth", () => {
  it("POST /compat/brousla/auth/register: the sample registers; a taken address is a 409 and a short password a 400, in FastAPI's shape", async () => {
    const res = await call(register.POST, { body: { email: "user@example.com", password: "securepassword123" } });
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({ id: expect.any(String), email: "user@example.com" });
    expect(res.headers.get("set-cookie")).toBeNull();
    const again = await call(register.POST, { body: { email: "user@example.com", password: "securepassword123" } });
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({ detail: expect.any(String) });
    // the workflow's "test123" is below Tollgate's password policy
    const short = await call(register.POST, { body: { email: "test@example.com", password: "test123" } });
    expect(short.status).toBe(400);
    expect(await json(short)).toMatchObject({ field: "password", detail: expect.stringContaining("8") });
  });

  it('POST /compat/brousla/auth/login: the sample answers {access_token, token_type: "bearer"}; a wrong password is a 401', async () => {
    const res = await call(login.POST, { body: { email: "user@example.com", password: "securepassword123" } });
    expect(res.status).toBe(200);
    const body = await json<{ access_token: string; token_type: string }>(res);
    expect(body).toMatchObject({ access_token: expect.stringMatching(/^eyJ/), token_type: "bearer" });
    token = body.access_token;
    expect((await call(login.POST, { body: { email: "user@example.com", password: "wrong-password" } })).status).toBe(
      401,
    );
  });

  it("GET /compat/brousla/auth/me: the user behind the token, which is Tollgate's own (it works on /api/auth/me too)", async () => {
    const res = await call(me.GET, { bearer: token });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ email: "user@example.com", role: "USER" });
    expect((await call(nativeMe.GET, { bearer: token })).status).toBe(200);
    const anonymous = await call(me.GET);
    expect(anonymous.status).toBe(401);
    expect(await json(anonymous)).toMatchObject({ detail: expect.any(String) });
  });
});

describe("Brousla chat", () => {
  it("POST /compat/brousla/api/chat: the non-streaming sample answers {content, model} and is billed like any request", async () => {
    const res = await call(chat.POST, {
      bearer: token,
      body: {
        messages: [{ role: "user", content: "Hello! How are you?" }],
        model: "gpt-4-turbo-preview",
        temperature: 0.7,
        stream: false,
      },
    });
    expect(res.status).toBe(200);
    const body = await json<{ content: string; model: string }>(res);
    expect(Object.keys(body).sort()).toEqual(["content", "model"]);
    expect(body.model).toBe("gpt-4-turbo-preview");
    expect(body.content.length).toBeGreaterThan(0);
    await flushRecords();
    const db = await getDb();
    const user = await db.user.findUniqueOrThrow({ where: { email: "user@example.com" } });
    await expect
      .poll(async () => db.request.count({ where: { userId: user.id, model: "gpt-4-turbo-preview", status: "OK" } }))
      .toBe(1);
  });

  it('POST /compat/brousla/api/chat: the streaming sample answers data: {"content"} events ending in [DONE]', async () => {
    const res = await call(chat.POST, {
      bearer: token,
      body: {
        messages: [{ role: "user", content: "Write a short story about AI" }],
        model: "gpt-4-turbo-preview",
        temperature: 0.7,
        stream: true,
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const events = (await res.text()).trim().split("\n\n");
    expect(events.at(-1)).toBe("data: [DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.replace(/^data: /, "")) as Record<string, unknown>);
    expect(chunks.length).toBeGreaterThan(0);
    for (const c of chunks) expect(Object.keys(c)).toEqual(["content"]);
  });

  it("POST /compat/brousla/api/chat: the workflow's sample without a model needs OPENAI_MODEL (400 naming it); no token is a 401; an unknown model a 404", async () => {
    const noModel = await call(chat.POST, {
      bearer: token,
      body: { messages: [{ role: "user", content: "Hello!" }], stream: false },
    });
    expect(noModel.status).toBe(400);
    expect(await json(noModel)).toMatchObject({ field: "model", detail: expect.stringContaining("OPENAI_MODEL") });
    expect((await call(chat.POST, { body: { messages: [{ role: "user", content: "Hello!" }] } })).status).toBe(401);
    expect(
      (
        await call(chat.POST, {
          bearer: token,
          body: { messages: [{ role: "user", content: "Hello!" }], model: "gpt-5-mini" },
        })
      ).status,
    ).toBe(404);
  });
});
