// Issue 22 item 4: `Authorization: Basic base64(email:password)` and `base64(email:tg-key)` on the
// routes bearer tokens reach; a missing or wrong one gets 401 with a Basic challenge.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as me from "@/app/api/auth/me/route";
import * as password from "@/app/api/auth/password/route";
import * as chatModels from "@/app/api/chat/models/route";
import * as limits from "@/app/api/user/limits/route";
import * as completions from "@/app/api/v1/chat/completions/route";
import * as models from "@/app/api/v1/models/route";
import { createApiKey } from "@/lib/keys/service";
import { createUser } from "@/lib/users/accounts";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { call, cookieFor, json, startApp } from "../helpers/app";
import { seedProviders } from "../helpers/gateway";

const up = await startFakeUpstream();
afterAll(() => up.close());
const basic = (email: string, secret: string) => ({
  authorization: `Basic ${Buffer.from(`${email}:${secret}`).toString("base64")}`,
});
let key = "";

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
  const user = await createUser({ email: "basic@example.com", password: "password-123" });
  await createUser({ email: "someone-else@example.com", password: "password-123" });
  key = (await createApiKey({ userId: user.id, name: "basic" })).key;
});

describe("HTTP Basic", () => {
  it("signs a script in with email:password on /api/auth/me, /api/user/*, /api/chat/* and /v1", async () => {
    const headers = basic("basic@example.com", "password-123");
    const who = await call(me.GET, { headers });
    expect(who.status).toBe(200);
    expect(await json(who)).toMatchObject({ user: { email: "basic@example.com" } });
    expect((await call(limits.GET, { headers })).status).toBe(200);
    expect((await call(chatModels.GET, { headers })).status).toBe(200);
    expect((await call(models.GET, { headers })).status).toBe(200);
    const res = await call(completions.POST, {
      headers,
      body: { model: "gpt-fake", messages: [{ role: "user", content: "hi" }] },
    });
    expect(res.status).toBe(200);
  });

  it("takes email:<API key> as the key itself (not on the chat routes, like any key)", async () => {
    const headers = basic("basic@example.com", key);
    expect((await call(models.GET, { headers })).status).toBe(200);
    expect((await call(me.GET, { headers })).status).toBe(200);
    expect((await call(chatModels.GET, { headers })).status).toBe(403);
    const wrongOwner = await call(me.GET, { headers: basic("someone-else@example.com", key) });
    expect(wrongOwner.status).toBe(401);
    expect(wrongOwner.headers.get("www-authenticate")).toContain('Basic realm="Tollgate"');
  });

  it("answers missing, malformed and wrong credentials with 401 and a Basic challenge", async () => {
    for (const headers of [
      {},
      { authorization: "Basic !!!" },
      basic("not-an-email", "x"),
      basic("basic@example.com", "wrong-password"),
    ]) {
      const res = await call(me.GET, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Basic realm="Tollgate", charset="UTF-8"');
    }
    // A browser (it sends cookies or Sec-Fetch-Mode) gets no challenge, so no password dialog pops up.
    const browser = await call(me.GET, { headers: { "sec-fetch-mode": "cors" } });
    expect(browser.status).toBe(401);
    expect(browser.headers.get("www-authenticate")).toBeNull();
  });

  it("stops accepting the old password at once after a password change, though it was remembered", async () => {
    await createUser({ email: "remembered@example.com", password: "password-123" });
    const old = basic("remembered@example.com", "password-123");
    expect((await call(me.GET, { headers: old })).status).toBe(200);
    expect((await call(me.GET, { headers: old })).status).toBe(200);
    const cookie = await cookieFor("remembered@example.com");
    expect(
      (await call(password.POST, { cookie, body: { currentPassword: "password-123", newPassword: "password-456" } }))
        .status,
    ).toBe(200);
    expect((await call(me.GET, { headers: old })).status).toBe(401);
    expect((await call(me.GET, { headers: basic("remembered@example.com", "password-456") })).status).toBe(200);
  });
});
