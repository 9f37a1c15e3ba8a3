// Issue 22 item 1: a host application hands its signed-in user to Tollgate with a short-lived JWT
// (GET /sso?token=…&return_to=…): HS256 with a shared secret, RS256 with a PEM public key, ES256
// from a JWKS URL. First sight creates the user and their group; later visits update them.

import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as me from "@/app/api/auth/me/route";
import { GET as sso } from "@/app/sso/route";
import { resetConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { call, json, startApp } from "../helpers/app";

const SECRET = "a-shared-secret-between-host-and-tollgate";
const rsa = await generateKeyPair("RS256");
const ec = await generateKeyPair("ES256");
const jwk = { ...(await exportJWK(ec.publicKey)), kid: "host-1", alg: "ES256" };
const jwks = createServer((_req, res) =>
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] })),
);
await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
afterAll(() => new Promise((resolve) => jwks.close(resolve)));

process.env.SSO_SHARED_SECRET = SECRET;
process.env.SSO_PUBLIC_KEY = await exportSPKI(rsa.publicKey);
beforeAll(startApp);

function handoff(
  claims: Record<string, unknown>,
  opts: { alg?: string; key?: Parameters<SignJWT["sign"]>[0]; kid?: string; ttl?: string } = {},
) {
  const jwt = new SignJWT({ email: "ada@host.example", name: "Ada", company: "Acme", ...claims })
    .setProtectedHeader({ alg: opts.alg ?? "HS256", ...(opts.kid ? { kid: opts.kid } : {}) })
    .setSubject("host-user-1")
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(opts.ttl ?? "5m");
  return jwt.sign(opts.key ?? new TextEncoder().encode(SECRET));
}

const visit = (query: string) => call(sso, { path: `/sso?${query}` });
const cookieOf = (res: Response) => res.headers.getSetCookie()[0].split(";")[0];

describe("GET /sso", () => {
  it("creates the user and their group on first sight, signs them in and goes to return_to", async () => {
    const res = await visit(`token=${await handoff({})}&return_to=${encodeURIComponent("/chat/abc?x=1")}`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/chat/abc?x=1");
    const who = await json<{ user: { email: string; name: string; groupId: string } }>(
      await call(me.GET, { cookie: cookieOf(res) }),
    );
    expect(who.user).toMatchObject({ email: "ada@host.example", name: "Ada" });
    const db = await getDb();
    const user = await db.user.findUniqueOrThrow({
      where: { email: "ada@host.example" },
      select: { id: true, externalId: true, passwordHash: true, group: true },
    });
    expect(user).toMatchObject({ externalId: "sso:host-user-1", passwordHash: null, group: { name: "Acme" } });
    const audit = await db.auditLog.findFirst({ where: { action: "auth.sign-in", targetId: user.id } });
    expect(audit?.after).toMatchObject({ method: "sso" });
  });

  it("updates name and group on a later visit; takes the token as ?s= too and goes to / without return_to", async () => {
    const res = await visit(
      `s=${await handoff({ name: "Ada Lovelace", group: "Analytical Engines", company: undefined })}`,
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/");
    const db = await getDb();
    const users = await db.user.findMany({ where: { externalId: "sso:host-user-1" }, include: { group: true } });
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ name: "Ada Lovelace", group: { name: "Analytical Engines" } });
  });

  it("accepts RS256 with SSO_PUBLIC_KEY", async () => {
    const res = await visit(
      `token=${await handoff({ email: "rsa@host.example" }, { alg: "RS256", key: rsa.privateKey })}`,
    );
    expect(res.status).toBe(303);
    expect((await call(me.GET, { cookie: cookieOf(res) })).status).toBe(200);
  });

  it("accepts ES256 from SSO_JWKS_URL, and checks iss and aud when they are configured", async () => {
    delete process.env.SSO_PUBLIC_KEY;
    process.env.SSO_JWKS_URL = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
    process.env.SSO_ISSUER = "https://host.example";
    process.env.SSO_AUDIENCE = "tollgate";
    resetConfig();
    const sign = (claims: Record<string, unknown>) =>
      handoff({ email: "ec@host.example", ...claims }, { alg: "ES256", key: ec.privateKey, kid: "host-1" });
    const ok = await visit(`token=${await sign({ iss: "https://host.example", aud: "tollgate" })}`);
    expect(ok.status).toBe(303);
    const wrongAud = await visit(`token=${await sign({ iss: "https://host.example", aud: "someone-else" })}`);
    expect(wrongAud.status).toBe(401);
    expect(await wrongAud.text()).toContain("aud");
    const noIss = await visit(`token=${await sign({ aud: "tollgate" })}`);
    expect(noIss.status).toBe(401);
  });
});
