import { beforeAll, describe, expect, it } from "vitest";
import * as login from "@/app/api/auth/login/route";
import * as me from "@/app/api/auth/me/route";
import * as register from "@/app/api/auth/register/route";
import { getDb } from "@/lib/db/client";
import { ADMIN_TOKEN, call, cookieFor, json, startApp } from "../helpers/app";

beforeAll(startApp);

describe("POST /api/auth/register", () => {
  it("creates a user, hashes the password and signs them in", async () => {
    const res = await call(register.POST, {
      body: { email: "Alice@Example.com", password: "correct-horse", name: "Alice" },
    });
    expect(res.status).toBe(201);
    const body = await json<{ user: { email: string; role: string } }>(res);
    expect(body.user).toMatchObject({ email: "alice@example.com", role: "USER" });
    expect(JSON.stringify(body)).not.toContain("passwordHash");
    expect(res.headers.get("set-cookie")).toMatch(/next-auth\.session-token=/);
    const db = await getDb();
    const stored = await db.user.findUniqueOrThrow({
      where: { email: "alice@example.com" },
      select: { passwordHash: true },
    });
    expect(stored.passwordHash).toMatch(/^scrypt\$/);
    expect(stored.passwordHash).not.toContain("correct-horse");
  });

  it("answers 409 for a duplicate email", async () => {
    await call(register.POST, { body: { email: "dup@example.com", password: "password-1" } });
    const res = await call(register.POST, { body: { email: "DUP@example.com", password: "password-2" } });
    expect(res.status).toBe(409);
    expect((await json<{ error: { code: string } }>(res)).error.code).toBe("conflict");
  });

  it("answers 400 naming the field for a malformed body", async () => {
    const res = await call(register.POST, { body: { email: "not-an-email", password: "password-1" } });
    expect(res.status).toBe(400);
    const body = await json<{ error: { code: string; message: string; field: string } }>(res);
    expect(body.error).toMatchObject({ code: "validation_error", field: "email" });
    const short = await call(register.POST, { body: { email: "short@example.com", password: "x" } });
    expect((await json<{ error: { field: string } }>(short)).error.field).toBe("password");
    const notJson = await call(register.POST, { rawBody: "{oops", headers: { "content-type": "application/json" } });
    expect(notJson.status).toBe(400);
  });
});

describe("POST /api/auth/login", () => {
  it("signs in with the right password and answers 401 without a session otherwise", async () => {
    await call(register.POST, { body: { email: "bob@example.com", password: "bob-password" } });
    const ok = await call(login.POST, { body: { email: "bob@example.com", password: "bob-password" } });
    expect(ok.status).toBe(200);
    const cookie = ok.headers.get("set-cookie")!.split(";")[0];
    const who = await call(me.GET, { cookie });
    expect((await json<{ user: { email: string } }>(who)).user.email).toBe("bob@example.com");

    const bad = await call(login.POST, { body: { email: "bob@example.com", password: "wrong-password" } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get("set-cookie")).toBeNull();
  });
});

describe("GET /api/auth/me", () => {
  it("answers 401 without a session and for a forged cookie", async () => {
    expect((await call(me.GET)).status).toBe(401);
    expect((await call(me.GET, { cookie: "next-auth.session-token=forged" })).status).toBe(401);
  });

  it("accepts the ADMIN_API_KEY token and the bootstrap admin's session", async () => {
    const res = await call(me.GET, { bearer: ADMIN_TOKEN });
    expect((await json<{ user: { role: string } }>(res)).user.role).toBe("ADMIN");
    const admin = await call(me.GET, { cookie: await cookieFor(process.env.ADMIN_EMAIL!) });
    expect((await json<{ user: { role: string } }>(admin)).user.role).toBe("ADMIN");
  });
});
