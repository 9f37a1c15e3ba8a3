// Issue 22 item 1, every attack on GET /sso: forged, unsigned (alg: none), expired, future, too
// long-lived and replayed tokens, missing claims, CR/LF in claims, a foreign return_to. Each gets
// a clear error page (401) and nothing is created.

import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as sso } from "@/app/sso/route";
import { getDb } from "@/lib/db/client";
import { call, startApp } from "../helpers/app";

const SECRET = "a-shared-secret-between-host-and-tollgate";
process.env.SSO_SHARED_SECRET = SECRET;
beforeAll(startApp);

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);
const base = () => ({
  sub: "mallory",
  email: "mallory@host.example",
  name: "Mallory",
  jti: randomUUID(),
  iat: now(),
  exp: now() + 300,
});

function sign(claims: Record<string, unknown>, secret = SECRET) {
  return new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(secret));
}

async function expectRefused(query: string, message: RegExp) {
  const res = await call(sso, { path: `/sso?${query}` });
  expect(res.status).toBe(401);
  expect(res.headers.get("content-type")).toContain("text/html");
  expect(res.headers.getSetCookie()).toEqual([]);
  expect(await res.text()).toMatch(message);
}

async function expectNobodyCreated() {
  const db = await getDb();
  expect(await db.user.count({ where: { email: { contains: "host.example" } } })).toBe(0);
  expect(await db.group.count()).toBe(0);
}

describe("GET /sso refuses", () => {
  it("a token signed with another secret", async () => {
    await expectRefused(`token=${await sign(base(), "not-the-shared-secret-at-all-000000")}`, /signature/);
  });

  it("an unsigned token (alg: none), also with the signature part dropped or faked", async () => {
    const none = `${b64({ alg: "none", typ: "JWT" })}.${b64(base())}`;
    await expectRefused(`token=${none}.`, /alg: none/);
    await expectRefused(`token=${none}.${"A".repeat(43)}`, /alg: none/);
    await expectRefused(`token=${b64({ alg: "None" })}.${b64(base())}.`, /alg: none/);
  });

  it("an expired token, one issued in the future, one that lives longer than 10 minutes", async () => {
    await expectRefused(`token=${await sign({ ...base(), iat: now() - 900, exp: now() - 60 })}`, /expired/);
    await expectRefused(`token=${await sign({ ...base(), iat: now() + 600, exp: now() + 700 })}`, /future|iat/);
    await expectRefused(`token=${await sign({ ...base(), exp: now() + 3600 })}`, /at most 10 minutes/);
  });

  it("a token without exp, iat, sub, jti or email, or not a JWT at all", async () => {
    for (const claim of ["exp", "iat", "sub", "jti", "email"]) {
      const claims: Record<string, unknown> = base();
      delete claims[claim];
      await expectRefused(`token=${await sign(claims)}`, new RegExp(claim));
    }
    await expectRefused("token=not-a-jwt", /not a JWT/);
    await expectRefused("", /no sign-in token/);
  });

  it("CR/LF in the name or the email", async () => {
    await expectRefused(
      `token=${await sign({ ...base(), name: "Mallory\r\nBcc: all@example.com" })}`,
      /control characters/,
    );
    await expectRefused(
      `token=${await sign({ ...base(), email: "mallory@host.example\r\nBcc: all@example.com" })}`,
      /email/,
    );
  });

  it("a return_to on another origin, before looking at the token", async () => {
    const token = await sign(base());
    for (const target of [
      "https://evil.example",
      "//evil.example",
      "/\\evil.example",
      "https:evil.example",
      " /x",
      "/%0d%0aLocation:%20https://evil.example".replace("%0d%0a", "\r\n"),
    ]) {
      await expectRefused(`token=${token}&return_to=${encodeURIComponent(target)}`, /return_to/);
    }
    await expectNobodyCreated();
    // The token was not spent by the refused attempts.
    const ok = await call(sso, { path: `/sso?token=${token}&return_to=%2Fsettings` });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/settings");
  });

  it("a replayed token: each jti is accepted once", async () => {
    const token = await sign({ ...base(), sub: "replayer", email: "replayed@elsewhere.example" });
    expect((await call(sso, { path: `/sso?token=${token}` })).status).toBe(303);
    await expectRefused(`token=${token}`, /already used/);
    const db = await getDb();
    expect(await db.authSession.count({ where: { user: { email: "replayed@elsewhere.example" } } })).toBe(1);
  });
});
