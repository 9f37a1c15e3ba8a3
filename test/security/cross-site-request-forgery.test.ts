// Issue 19 item 1: a page on another origin (another site, or another port of this host, which
// SameSite=Lax does not stop) cannot make a signed-in admin's browser change anything. Every
// cookie-authenticated change must carry our own Origin (or Referer), JSON routes take JSON only
// (a form or text/plain body gets 415), and bearer-authenticated calls are unaffected. next-auth's
// own form posts (sign-out, the credentials sign-in) get the same Origin check on top of their CSRF
// token, which a page on another port can plant (cookies do not keep ports apart).
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import * as updateUser from "@/app/api/admin/user/update/route";
import * as nextAuth from "@/app/api/auth/[...nextauth]/route";
import * as logout from "@/app/api/auth/logout/route";
import * as me from "@/app/api/auth/me/route";
import * as register from "@/app/api/auth/register/route";
import * as userKeys from "@/app/api/user/keys/route";
import { resetConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { regularUser } from "../helpers/admin";
import { ADMIN_EMAIL, ADMIN_TOKEN, call, cookieFor, json, startApp } from "../helpers/app";
import { loadApiRoutes, pathParams } from "../helpers/routes";

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

describe("a body a cross-site form or a no-preflight fetch can send", () => {
  it("is a 415 on every route that takes a JSON body", async () => {
    // Tollgate's own routes (the seed systems' compat routes take their own credentials); checkout
    // answers 404 before reading a body while payments are off, as they are here.
    const routes = await loadApiRoutes(
      (d) =>
        d.method !== "GET" &&
        d.body !== undefined &&
        !["signed", "compat"].includes(d.auth) &&
        d.path !== "/api/user/payments/checkout",
    );
    expect(routes.length).toBeGreaterThan(40);
    const credentials = { admin: { bearer: ADMIN_TOKEN }, apiKey: { bearer: victim.key } };
    const answered: string[] = [];
    for (const { doc, handler } of routes) {
      // OAuth2's token endpoint takes a form too (lib/auth/token-grant.ts); no other route does.
      const types =
        doc.path === "/api/auth/token" ? ["text/plain"] : ["text/plain", "application/x-www-form-urlencoded"];
      for (const contentType of types) {
        const res = await call(handler, {
          ...(credentials[doc.auth as keyof typeof credentials] ?? { cookie: victim.cookie }),
          method: doc.method,
          path: doc.path,
          params: pathParams(doc, "00000000-0000-0000-0000-000000000000"),
          rawBody: "{}",
          headers: { "content-type": contentType },
        });
        if (res.status !== 415)
          answered.push(`${doc.method} ${doc.path} ${contentType}: ${res.status} ${await res.text()}`);
      }
    }
    expect(answered).toEqual([]);
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

  it("guards HTTP Basic a browser replays by itself, and leaves a script's Basic (no Origin) alone", async () => {
    const basic = `Basic ${Buffer.from(`${victim.email}:password-123`).toString("base64")}`;
    const keys = async () => await (await getDb()).apiKey.count({ where: { userId: victim.user.id } });
    const before = await keys();
    const forged = await call(userKeys.POST, {
      body: { name: "by a replayed password" },
      headers: { authorization: basic },
      origin: "https://evil.example",
    });
    expect(forged.status).toBe(403);
    expect(await keys()).toBe(before);
    const scripted = await call(userKeys.POST, {
      body: { name: "by a script" },
      headers: { authorization: basic },
      origin: null,
    });
    expect(scripted.status).toBe(201);
    expect(await keys()).toBe(before + 1);
  });
});

/** A genuine next-auth CSRF token and its cookie, as an attacker gets them by asking Tollgate for a pair. */
async function csrfPair(): Promise<{ csrfToken: string; cookie: string }> {
  const res = await call(nextAuth.GET, { path: "/api/auth/csrf", params: { nextauth: ["csrf"] } });
  const { csrfToken } = await json<{ csrfToken: string }>(res);
  const set = res.headers.getSetCookie().find((c) => c.startsWith("next-auth.csrf-token="));
  if (!set) throw new Error("next-auth set no CSRF cookie");
  return { csrfToken, cookie: set.split(";")[0] };
}

/** A form post to one of next-auth's own endpoints, as an HTML form sends it. */
function nextAuthForm(action: string[], opts: { cookie: string; fields: Record<string, string>; origin?: string }) {
  return call(nextAuth.POST, {
    method: "POST",
    path: `/api/auth/${action.join("/")}`,
    params: { nextauth: action },
    cookie: opts.cookie,
    rawBody: new URLSearchParams(opts.fields).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
    origin: opts.origin,
  });
}

const sessionCookieSet = (res: Response) =>
  res.headers.getSetCookie().some((c) => /^next-auth\.session-token=[^;]+/.test(c));

describe("next-auth's own form posts", () => {
  it("refuse a sign-out posted from another port with a CSRF token the attacker planted", async () => {
    const target = await regularUser("csrf-signed-out");
    const { csrfToken, cookie: planted } = await csrfPair();
    const res = await nextAuthForm(["signout"], {
      cookie: `${target.cookie}; ${planted}`,
      fields: { csrfToken },
      origin: "http://localhost:8081",
    });
    expect(res.status).toBe(403);
    expect((await call(me.GET, { cookie: target.cookie })).status).toBe(200);
  });

  it("refuse a sign-in to the attacker's account posted from another site (login CSRF)", async () => {
    const attacker = await regularUser("csrf-attacker");
    const { csrfToken, cookie: planted } = await csrfPair();
    const res = await nextAuthForm(["callback", "credentials"], {
      cookie: planted,
      fields: { csrfToken, email: attacker.email, password: "password-123" },
      origin: "https://evil.example",
    });
    expect(res.status).toBe(403);
    expect(sessionCookieSet(res)).toBe(false);
  });

  it("still need next-auth's CSRF token from our own pages", async () => {
    const target = await regularUser("csrf-own-page");
    const withoutToken = await nextAuthForm(["signout"], { cookie: target.cookie, fields: {} });
    expect(withoutToken.status).toBeLessThan(500);
    expect((await call(me.GET, { cookie: target.cookie })).status).toBe(200);
    const { csrfToken, cookie: csrfCookie } = await csrfPair();
    const signIn = await nextAuthForm(["callback", "credentials"], {
      cookie: csrfCookie,
      fields: { csrfToken, email: target.email, password: "password-123" },
    });
    expect(sessionCookieSet(signIn)).toBe(true);
    await nextAuthForm(["signout"], { cookie: `${target.cookie}; ${csrfCookie}`, fields: { csrfToken } });
    expect((await call(me.GET, { cookie: target.cookie })).status).toBe(401);
  });
});
