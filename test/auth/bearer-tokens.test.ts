// Issue 22 item 3: POST /api/auth/token gives scripts an access token and a refresh token; the
// access token works as `Authorization: Bearer` on /api/auth/me, /api/user/*, /api/chat/* and /v1
// (billed to the user, like the chat page).

import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as me from "@/app/api/auth/me/route";
import * as token from "@/app/api/auth/token/route";
import * as chatModels from "@/app/api/chat/models/route";
import * as userKeys from "@/app/api/user/keys/route";
import * as limits from "@/app/api/user/limits/route";
import { flushRecords } from "@/lib/billing/recorder";
import { getDb } from "@/lib/db/client";
import { createUser } from "@/lib/users/accounts";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { call, json, startApp } from "../helpers/app";
import { sdk, seedProviders } from "../helpers/gateway";

const up = await startFakeUpstream();
afterAll(() => up.close());

type Tokens = { access_token: string; token_type: string; expires_in: number; refresh_token: string };

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
  await createUser({ email: "script@example.com", password: "password-123" });
});

async function tokensFor(email = "script@example.com", password = "password-123"): Promise<Tokens> {
  const res = await call(token.POST, { body: { email, password } });
  expect(res.status).toBe(200);
  return json<Tokens>(res);
}

describe("POST /api/auth/token", () => {
  it("answers JSON email + password with an access and a refresh token, never cached", async () => {
    const res = await call(token.POST, { body: { email: "Script@Example.com", password: "password-123" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await json<Tokens>(res);
    expect(body).toMatchObject({ token_type: "bearer", expires_in: 900 });
    expect(body.access_token.split(".")).toHaveLength(3);
    expect(body.refresh_token).toMatch(/^tgr_/);
  });

  it("takes OAuth2's form-encoded password grant", async () => {
    const res = await call(token.POST, {
      rawBody: "grant_type=password&username=script%40example.com&password=password-123",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(200);
    expect((await json<Tokens>(res)).token_type).toBe("bearer");
  });

  it("answers a wrong password with 401, missing fields and unknown grants with a 400 naming them", async () => {
    expect((await call(token.POST, { body: { email: "script@example.com", password: "wrong-password" } })).status).toBe(
      401,
    );
    const missing = await call(token.POST, { body: { email: "script@example.com" } });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(await json(missing))).toContain("password");
    const grant = await call(token.POST, { body: { grant_type: "client_credentials" } });
    expect(grant.status).toBe(400);
    expect(JSON.stringify(await json(grant))).toContain("grant_type");
    expect((await call(token.POST, { rawBody: "x", headers: { "content-type": "text/plain" } })).status).toBe(415);
  });

  it("works as Authorization: Bearer on /api/auth/me, /api/user/* and /api/chat/*", async () => {
    const { access_token } = await tokensFor();
    const who = await call(me.GET, { bearer: access_token });
    expect(who.status).toBe(200);
    expect(await json(who)).toMatchObject({ user: { email: "script@example.com" } });
    expect((await call(limits.GET, { bearer: access_token })).status).toBe(200);
    expect((await call(chatModels.GET, { bearer: access_token })).status).toBe(200);
    expect((await call(userKeys.GET, { bearer: access_token })).status).toBe(200);
  });

  it("calls /v1 with the OpenAI SDK, billed to the user without a key", async () => {
    const { access_token } = await tokensFor();
    const client = sdk(access_token);
    expect((await client.models.list()).data.map((m) => m.id)).toContain("gpt-fake");
    const reply = await client.chat.completions.create({
      model: "gpt-fake",
      messages: [{ role: "user", content: "hello" }],
    });
    expect(reply.choices[0].message.content).toBeTruthy();
    await flushRecords();
    const db = await getDb();
    const user = await db.user.findUniqueOrThrow({ where: { email: "script@example.com" } });
    const row = await db.request.findFirstOrThrow({ where: { userId: user.id }, orderBy: { createdAt: "desc" } });
    expect(row).toMatchObject({ apiKeyId: null, status: "OK" });
    expect(row.cost > 0n).toBe(true);
  });

  it("refresh_token rotates, as JSON or form-encoded: each new pair works", async () => {
    const first = await tokensFor();
    const res = await call(token.POST, { body: { grant_type: "refresh_token", refresh_token: first.refresh_token } });
    expect(res.status).toBe(200);
    const second = await json<Tokens>(res);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await call(me.GET, { bearer: second.access_token })).status).toBe(200);
    const form = await call(token.POST, {
      rawBody: `grant_type=refresh_token&refresh_token=${encodeURIComponent(second.refresh_token)}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(200);
  });

  it("refuses tokens that are not ours: another key, alg none, expired, a forged refresh token", async () => {
    const db = await getDb();
    const user = await db.user.findUniqueOrThrow({ where: { email: "script@example.com" } });
    const { access_token } = await tokensFor();
    const sid = JSON.parse(Buffer.from(access_token.split(".")[1], "base64url").toString()).sid as string;
    const claims = { sid, sub: user.id, iss: "tollgate", aud: "tollgate:access" };
    const foreign = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode("x".repeat(32)));
    const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${Buffer.from(JSON.stringify({ ...claims, exp: 9e9 })).toString("base64url")}.`;
    const [h, , s] = access_token.split(".");
    const expiredBody = Buffer.from(JSON.stringify({ ...claims, exp: 1 })).toString("base64url");
    for (const bad of [foreign, none, `${h}.${expiredBody}.${s}`, `${access_token.slice(0, -2)}xx`]) {
      expect((await call(me.GET, { bearer: bad })).status).toBe(401);
    }
    for (const bad of ["tgr_nope", `tgr_${sid}.0.${"A".repeat(43)}`, `tgr_${sid}.7.${"A".repeat(43)}`]) {
      expect((await call(token.POST, { body: { grant_type: "refresh_token", refresh_token: bad } })).status).toBe(401);
    }
    // A forged refresh token did not revoke the family.
    expect((await call(me.GET, { bearer: access_token })).status).toBe(200);
  });
});
