// Issue 19 "sessions that end": the session cookie names a server-side AuthSession, so logout, a
// password change made elsewhere, "sign out everywhere" and disabling the user end a copied
// cookie at once — not when its 30 days run out.
import { beforeAll, describe, expect, it } from "vitest";
import * as adminDetail from "@/app/api/admin/user/detail/[id]/route";
import * as adminSignOut from "@/app/api/admin/user/sign-out/route";
import * as adminUpdate from "@/app/api/admin/user/update/route";
import * as nextAuth from "@/app/api/auth/[...nextauth]/route";
import * as login from "@/app/api/auth/login/route";
import * as logoutEverywhere from "@/app/api/auth/logout/everywhere/route";
import * as logout from "@/app/api/auth/logout/route";
import * as me from "@/app/api/auth/me/route";
import * as password from "@/app/api/auth/password/route";
import * as register from "@/app/api/auth/register/route";
import * as limits from "@/app/api/user/limits/route";
import { forgetUserSessions } from "@/lib/auth/auth-sessions";
import { getDb } from "@/lib/db/client";
import { ADMIN_TOKEN, call, json, startApp } from "../helpers/app";

beforeAll(startApp);

function cookieOf(res: Response): string {
  const set = res.headers.getSetCookie().find((c) => c.startsWith("next-auth.session-token="));
  if (!set) throw new Error(`no session cookie (status ${res.status})`);
  return set.split(";")[0];
}

async function signIn(email: string, pw = "password-123"): Promise<string> {
  const res = await call(login.POST, { body: { email, password: pw } });
  expect(res.status).toBe(200);
  return cookieOf(res);
}

async function newUser(email: string): Promise<{ id: string; cookie: string }> {
  const res = await call(register.POST, { body: { email, password: "password-123", name: "Copied" } });
  expect(res.status).toBe(201);
  const { user } = await json<{ user: { id: string } }>(res);
  return { id: user.id, cookie: cookieOf(res) };
}

const whoAmI = (cookie: string) => call(me.GET, { cookie });

/** What next-auth's own session endpoint (the one `useSession` reads) says about a cookie. */
const nextAuthSession = async (cookie: string) =>
  json(await call(nextAuth.GET, { cookie, path: "/api/auth/session", params: { nextauth: ["session"] } }));

describe("a copied session cookie", () => {
  it("stops working once its session logged out", async () => {
    const { cookie } = await newUser("logout@example.com");
    const copy = cookie;
    expect((await whoAmI(copy)).status).toBe(200);
    const out = await call(logout.POST, { method: "POST", cookie });
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().some((c) => c.startsWith("next-auth.session-token=;"))).toBe(true);
    const after = await whoAmI(copy);
    expect(after.status).toBe(401);
    expect((await call(limits.GET, { cookie: copy })).status).toBe(401);
  });

  it("is no session to next-auth's own session endpoint either, once logged out", async () => {
    const { cookie } = await newUser("next-auth-session@example.com");
    expect(await nextAuthSession(cookie)).toMatchObject({ user: { email: "next-auth-session@example.com" } });
    await call(logout.POST, { method: "POST", cookie });
    expect(await nextAuthSession(cookie)).toEqual({});
  });

  it("stops working once next-auth's own sign-out ended its session", async () => {
    const { cookie } = await newUser("next-auth-signout@example.com");
    const csrf = await call(nextAuth.GET, { path: "/api/auth/csrf", params: { nextauth: ["csrf"] } });
    const { csrfToken } = await json<{ csrfToken: string }>(csrf);
    const csrfCookie = csrf.headers
      .getSetCookie()
      .find((c) => c.startsWith("next-auth.csrf-token="))!
      .split(";")[0];
    const out = await call(nextAuth.POST, {
      method: "POST",
      path: "/api/auth/signout",
      params: { nextauth: ["signout"] },
      cookie: `${cookie}; ${csrfCookie}`,
      rawBody: new URLSearchParams({ csrfToken }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(out.status).toBeLessThan(400);
    expect((await whoAmI(cookie)).status).toBe(401);
  });

  it("logging out one session leaves the user's other sessions signed in", async () => {
    const { cookie: laptop } = await newUser("two-devices@example.com");
    const phone = await signIn("two-devices@example.com");
    await call(logout.POST, { method: "POST", cookie: laptop });
    expect((await whoAmI(laptop)).status).toBe(401);
    expect((await whoAmI(phone)).status).toBe(200);
  });

  it("stops working after a password change made in another session, which itself stays signed in", async () => {
    const { cookie: stolen } = await newUser("changed@example.com");
    const own = await signIn("changed@example.com");
    const res = await call(password.POST, {
      cookie: own,
      body: { currentPassword: "password-123", newPassword: "a-new-password-456" },
    });
    expect(res.status).toBe(200);
    expect((await whoAmI(stolen)).status).toBe(401);
    expect((await whoAmI(own)).status).toBe(200);
  });

  it("stops working when the user signs out everywhere", async () => {
    const { cookie: a } = await newUser("everywhere@example.com");
    const b = await signIn("everywhere@example.com");
    const res = await call(logoutEverywhere.POST, { method: "POST", cookie: a });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ revoked: 2 });
    expect((await whoAmI(a)).status).toBe(401);
    expect((await whoAmI(b)).status).toBe(401);
    expect((await whoAmI(await signIn("everywhere@example.com"))).status).toBe(200);
  });

  it("stops working when an administrator ends the user's sessions, and the audit log says who did", async () => {
    const { id, cookie } = await newUser("admin-ended@example.com");
    const res = await call(adminSignOut.POST, { bearer: ADMIN_TOKEN, body: { id } });
    expect(res.status).toBe(200);
    expect((await whoAmI(cookie)).status).toBe(401);
    const detail = await json<{ signIn: { methods: string[]; lastSignInMethod: string; activeSessions: number } }>(
      await call(adminDetail.GET, { bearer: ADMIN_TOKEN, params: { id } }),
    );
    expect(detail.signIn).toMatchObject({ methods: ["password"], lastSignInMethod: "register", activeSessions: 0 });
    expect((await call(adminSignOut.POST, { bearer: ADMIN_TOKEN, body: { id: "no-such-user" } })).status).toBe(404);
  });

  it("stops working when the user is disabled, and does not come back when they are enabled again", async () => {
    const { id, cookie } = await newUser("disabled@example.com");
    expect((await call(adminUpdate.POST, { bearer: ADMIN_TOKEN, body: { id, status: "DISABLED" } })).status).toBe(200);
    expect((await whoAmI(cookie)).status).toBe(401);
    expect((await call(adminUpdate.POST, { bearer: ADMIN_TOKEN, body: { id, status: "ACTIVE" } })).status).toBe(200);
    expect((await whoAmI(cookie)).status).toBe(401);
  });

  it("is checked through a cache, so the hot path reads no session row; ending a session clears the cache", async () => {
    const { id, cookie } = await newUser("cached-session@example.com");
    expect((await whoAmI(cookie)).status).toBe(200);
    // Ended behind the cache's back (no code path does this): a request that read the row would see it.
    const db = await getDb();
    await db.authSession.updateMany({ where: { userId: id }, data: { revokedAt: new Date() } });
    expect((await whoAmI(cookie)).status).toBe(200);
    forgetUserSessions(id); // what every revocation does, on every instance
    expect((await whoAmI(cookie)).status).toBe(401);
  });

  it("is refused when it carries no session id (a cookie minted before sessions had one)", async () => {
    const { encode } = await import("next-auth/jwt");
    const { config } = await import("@/lib/config");
    const { id } = await newUser("old-cookie@example.com");
    const token = await encode({
      token: { sub: id, email: "old-cookie@example.com", role: "USER" },
      secret: config().authSecret,
    });
    expect((await whoAmI(`next-auth.session-token=${token}`)).status).toBe(401);
  });
});
