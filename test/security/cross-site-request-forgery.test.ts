// Issue 19 item 1: a page on another origin (another site, or another port of this host, which
// SameSite=Lax does not stop) cannot make a signed-in admin's browser change anything. Every
// cookie-authenticated change must carry our own Origin (or Referer), JSON routes take JSON only
// (a form or text/plain body gets 415), and bearer-authenticated calls are unaffected.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import * as updateUser from "@/app/api/admin/user/update/route";
import * as logout from "@/app/api/auth/logout/route";
import * as register from "@/app/api/auth/register/route";
import * as userKeys from "@/app/api/user/keys/route";
import { resetConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { regularUser } from "../helpers/admin";
import { ADMIN_EMAIL, ADMIN_TOKEN, call, cookieFor, json, startApp } from "../helpers/app";

let adminCookie = "";
let victim: Awaited<ReturnType<typeof regularUser>>;

beforeAll(async () => {
  await startApp();
  adminCookie = await cookieFor(ADMIN_EMAIL);
  victim = await regularUser("csrf-target");
});

afterEach(() => {
  delete process.env.APP_URL;
  delete process.env.TRUSTED_ORIGINS;
  resetConfig();
});

const role = async () => (await (await getDb()).user.findUniqueOrThrow({ where: { id: victim.user.id } })).role;
const promote = { id: "", role: "ADMIN" };

async function forge(opts: { origin?: string | null; referer?: string; contentType?: string; host?: string }) {
  const headers: Record<string, string> = { "content-type": opts.contentType ?? "application/json" };
  if (opts.referer) headers.referer = opts.referer;
  if (opts.host) headers.host = opts.host;
  return call(updateUser.POST, {
    cookie: adminCookie,
    rawBody: JSON.stringify({ ...promote, id: victim.user.id }),
    headers,
    origin: opts.origin,
  });
}

describe("a forged change with the admin's session cookie", () => {
  it("is refused from a foreign origin, a null origin, another port of this host, or with no origin at all", async () => {
    for (const origin of [
      "https://evil.example",
      "null",
      "http://localhost:8081",
      "http://localhost.evil.example",
      null,
    ]) {
      const res = await forge({ origin });
      expect(res.status, String(origin)).toBe(403);
      expect((await json<{ error: { code: string; message: string } }>(res)).error.message).toMatch(
        /Cross-site request refused/,
      );
    }
    expect(await role()).toBe("USER");
  });

  it("is refused with a foreign Referer and no Origin", async () => {
    expect((await forge({ origin: null, referer: "https://evil.example/page.html" })).status).toBe(403);
    expect(await role()).toBe("USER");
  });

  it("is refused as a text/plain or form body even from our own origin (415: no preflight-free JSON)", async () => {
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const res = await forge({ contentType });
      expect(res.status, contentType).toBe(415);
      expect((await json<{ error: { code: string } }>(res)).error.code).toBe("unsupported_media_type");
    }
    expect(await role()).toBe("USER");
  });

  it("goes through from our own page (Origin, or Referer when a browser sends no Origin)", async () => {
    expect(
      (await call(updateUser.POST, { cookie: adminCookie, body: { id: victim.user.id, name: "renamed once" } })).status,
    ).toBe(200);
    const byReferer = await call(updateUser.POST, {
      cookie: adminCookie,
      body: { id: victim.user.id, name: "renamed twice" },
      origin: null,
      headers: { referer: "http://localhost/admin/users" },
    });
    expect(byReferer.status).toBe(200);
  });

  it("compares with APP_URL when set, and accepts TRUSTED_ORIGINS", async () => {
    process.env.APP_URL = "https://tollgate.example.com";
    process.env.TRUSTED_ORIGINS = "https://admin.example.com";
    resetConfig();
    // The request's own host no longer counts: a proxy may have rewritten it.
    expect((await forge({ origin: "http://localhost" })).status).toBe(403);
    const ok = { id: victim.user.id, name: "via app url" };
    expect(
      (await call(updateUser.POST, { cookie: adminCookie, body: ok, origin: "https://tollgate.example.com" })).status,
    ).toBe(200);
    expect(
      (await call(updateUser.POST, { cookie: adminCookie, body: ok, origin: "https://admin.example.com" })).status,
    ).toBe(200);
    expect(await role()).toBe("USER");
  });
});

describe("the check applies wherever the cookie goes", () => {
  it("guards public routes a browser sends cookies to (logout, register) and user routes", async () => {
    const logoutRes = await call(logout.POST, {
      cookie: victim.cookie,
      method: "POST",
      origin: "https://evil.example",
    });
    expect(logoutRes.status).toBe(403);
    expect(logoutRes.headers.get("set-cookie")).toBeNull();
    const reg = await call(register.POST, {
      cookie: victim.cookie,
      body: { email: "forged-signup@example.test", password: "forged-password" },
      origin: "https://evil.example",
    });
    expect(reg.status).toBe(403);
    expect(await (await getDb()).user.findUnique({ where: { email: "forged-signup@example.test" } })).toBeNull();
    const key = await call(userKeys.POST, {
      cookie: victim.cookie,
      body: { name: "stolen" },
      origin: "https://evil.example",
    });
    expect(key.status).toBe(403);
  });

  it("leaves reads alone, and leaves bearer-authenticated calls alone (a foreign page cannot attach a token)", async () => {
    expect(
      (await call(userKeys.GET, { cookie: victim.cookie, headers: { origin: "https://evil.example" } })).status,
    ).toBe(200);
    const byToken = await call(updateUser.POST, {
      bearer: ADMIN_TOKEN,
      body: { id: victim.user.id, name: "by token" },
      origin: "https://evil.example",
    });
    expect(byToken.status).toBe(200);
    const byTokenWithoutOrigin = await call(updateUser.POST, {
      bearer: ADMIN_TOKEN,
      body: { id: victim.user.id, name: "scripted" },
      origin: null,
    });
    expect(byTokenWithoutOrigin.status).toBe(200);
  });
});
