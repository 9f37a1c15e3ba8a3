// Issue 22 item 2: OpenID Connect through next-auth against a real OpenID provider (oidc-provider)
// started by the test: the whole authorization-code flow with state, nonce and PKCE; users land
// signed in with the group and role their claims map to; accounts link by verified email only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as nextAuth from "@/app/api/auth/[...nextauth]/route";
import * as me from "@/app/api/auth/me/route";
import { getDb } from "@/lib/db/client";
import { createUser } from "@/lib/users/accounts";
import { call, json, startApp } from "../helpers/app";
import { browse, CookieJar, formAction, type Hop } from "../helpers/browser-jar";
import { OIDC_CLIENT, startOidcProvider } from "../oidc-provider/server.mjs";

const APP = "http://localhost:3000";
const idp = await startOidcProvider({ redirectUris: [`${APP}/api/auth/callback/oidc`] });
afterAll(() => idp.close());
process.env.APP_URL = APP;
process.env.OIDC_ISSUER = idp.issuer;
process.env.OIDC_CLIENT_ID = OIDC_CLIENT.id;
process.env.OIDC_CLIENT_SECRET = OIDC_CLIENT.secret;
process.env.OIDC_NAME = "Test IdP";
process.env.OIDC_ALLOW_SIGNUP = "true";
process.env.OIDC_GROUP_CLAIM = "groups";
process.env.OIDC_ADMIN_GROUPS = "tollgate-admins";
beforeAll(startApp);

const local = (url: URL): Hop | null =>
  url.origin === APP && url.pathname.startsWith("/api/auth/")
    ? (req) =>
        nextAuth.GET(req, { params: Promise.resolve({ nextauth: url.pathname.slice("/api/auth/".length).split("/") }) })
    : url.origin === APP
      ? async () => new Response("a page", { status: 200 })
      : null;

/** Starts a sign-in at Tollgate; answers the provider's login page. */
async function startSignIn(jar: CookieJar, callbackUrl = `${APP}/chat`) {
  const csrf = await json<{ csrfToken: string }>((await browse(jar, `${APP}/api/auth/csrf`, {}, local)).res);
  const body = new URLSearchParams({ csrfToken: csrf.csrfToken, callbackUrl });
  return browse(
    jar,
    `${APP}/api/auth/signin/oidc`,
    // From our own login page: the browser sends its Origin (lib/api/same-origin.ts).
    { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded", origin: APP } },
    local,
  );
}

/** Logs in at the provider and consents; stops at Tollgate's callback (not followed) so tests can tamper with it. */
async function loginAtProvider(
  jar: CookieJar,
  loginPage: { url: string; res: Response },
  login: string,
): Promise<string> {
  expect(loginPage.url.startsWith(idp.issuer)).toBe(true);
  const form = { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" } };
  const stopAtCallback = (url: URL): Hop | null =>
    url.origin === APP ? async (req) => new Response(null, { status: 200, headers: { "x-callback": req.url } }) : null;
  let page = await browse(
    jar,
    formAction(await loginPage.res.text(), loginPage.url),
    { ...form, body: new URLSearchParams({ prompt: "login", login, password: "any" }) },
    stopAtCallback,
  );
  if (!page.res.headers.get("x-callback")) {
    page = await browse(
      jar,
      formAction(await page.res.text(), page.url),
      { ...form, body: new URLSearchParams({ prompt: "consent" }) },
      stopAtCallback,
    );
  }
  const callback = page.res.headers.get("x-callback");
  if (!callback) throw new Error(`the provider did not send the browser back: ${page.url} ${page.res.status}`);
  return callback;
}

async function signInAs(login: string) {
  const jar = new CookieJar();
  const callback = await loginAtProvider(jar, await startSignIn(jar), login);
  const landed = await browse(jar, callback, {}, local);
  return { jar, landed, cookie: `next-auth.session-token=${jar.get(APP, "next-auth.session-token") ?? ""}` };
}

describe("OpenID Connect sign-in", () => {
  it("creates the user with the mapped group and admin role, signs them in, and lands on the callbackUrl", async () => {
    const { landed, cookie } = await signInAs("oidc-admin");
    expect(landed.url).toBe(`${APP}/chat`);
    const who = await json<{ user: { email: string; role: string; name: string } }>(await call(me.GET, { cookie }));
    expect(who.user).toMatchObject({ email: "oidc-admin@idp.test", role: "ADMIN", name: "Olga Admin" });
    const db = await getDb();
    const user = await db.user.findUniqueOrThrow({ where: { email: "oidc-admin@idp.test" }, include: { group: true } });
    expect(user).toMatchObject({ externalId: "oidc:oidc-admin", group: { name: "Platform" } });
    const audit = await db.auditLog.findFirst({ where: { action: "auth.sign-in", targetId: user.id } });
    expect(audit?.after).toMatchObject({ method: "oidc" });
  });

  it("links an existing password account by its verified email, as a plain user outside the admin groups", async () => {
    await createUser({ email: "oidc-user@idp.test", password: "password-123" });
    const { cookie } = await signInAs("oidc-user");
    const who = await json<{ user: { email: string; role: string } }>(await call(me.GET, { cookie }));
    expect(who.user).toMatchObject({ email: "oidc-user@idp.test", role: "USER" });
    const db = await getDb();
    expect(await db.user.count({ where: { email: "oidc-user@idp.test" } })).toBe(1);
    expect(
      await db.user.findUniqueOrThrow({ where: { email: "oidc-user@idp.test" }, include: { group: true } }),
    ).toMatchObject({ externalId: "oidc:oidc-user", group: { name: "Research" } });
  });

  it("refuses an address the provider has not verified, and creates nothing", async () => {
    const { landed, jar } = await signInAs("oidc-unverified");
    expect(landed.url).toContain("/login?error=");
    expect(decodeURIComponent(landed.url)).toContain("not verified");
    expect(jar.get(APP, "next-auth.session-token")).toBeUndefined();
    const db = await getDb();
    expect(await db.user.count({ where: { email: "oidc-unverified@idp.test" } })).toBe(0);
  });

  it("refuses a callback whose state does not match the browser's (login CSRF), and one replayed in another browser", async () => {
    const victim = new CookieJar();
    await startSignIn(victim);
    const attacker = new CookieJar();
    const attackersCallback = await loginAtProvider(attacker, await startSignIn(attacker), "oidc-attacker");
    // The victim's browser is made to open the attacker's callback: its state cookie does not match.
    const forced = await browse(victim, attackersCallback, {}, local);
    expect(forced.url).toMatch(/\/login\?.*error=OAuthCallback/);
    expect(victim.get(APP, "next-auth.session-token")).toBeUndefined();
    // A browser without any of the flow's cookies (state, PKCE verifier, nonce).
    const bare = await browse(new CookieJar(), attackersCallback, {}, local);
    expect(bare.url).toMatch(/\/login\?.*error=/);
    const db = await getDb();
    expect(await db.user.count({ where: { email: "oidc-attacker@example.test" } })).toBe(0);
  });
});
