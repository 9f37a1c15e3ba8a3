// Issue 22 item 5: "forgot password" mails a single-use link (valid 30 minutes) through a real SMTP
// server; following it sets the new password and ends every session and token of the user. The
// answer does not tell whether the address has an account.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as login from "@/app/api/auth/login/route";
import * as me from "@/app/api/auth/me/route";
import * as forgot from "@/app/api/auth/password/forgot/route";
import * as reset from "@/app/api/auth/password/reset/route";
import * as token from "@/app/api/auth/token/route";
import { getDb } from "@/lib/db/client";
import { createUser } from "@/lib/users/accounts";
import { call, json, startApp } from "../helpers/app";
import { linkIn, startSmtpServer } from "../helpers/smtp";

const smtp = await startSmtpServer();
process.env.SMTP_HOST = "127.0.0.1";
process.env.SMTP_PORT = String(smtp.port);
process.env.APP_URL = "http://tollgate.test";
afterAll(() => smtp.close());

beforeAll(startApp);

async function mailTo(address: string) {
  await expect.poll(() => smtp.mails.filter((m) => m.to.includes(address)).length).toBeGreaterThan(0);
  return smtp.mails.filter((m) => m.to.includes(address)).at(-1)!;
}

const signIn = (email: string, password: string) => call(login.POST, { body: { email, password } });

describe("password reset by mail", () => {
  it("mails a link that sets the new password once and ends every session and token", async () => {
    await createUser({ email: "forgetful@example.com", password: "old-password-1" });
    const cookieRes = await signIn("forgetful@example.com", "old-password-1");
    const cookie = cookieRes.headers.getSetCookie()[0].split(";")[0];
    const { access_token } = await json<{ access_token: string }>(
      await call(token.POST, { body: { email: "forgetful@example.com", password: "old-password-1" } }),
    );

    const res = await call(forgot.POST, { body: { email: "forgetful@example.com" } });
    expect(res.status).toBe(200);
    const link = linkIn(await mailTo("forgetful@example.com"), "/reset-password");
    expect(link.origin).toBe("http://tollgate.test");
    const secret = link.searchParams.get("token")!;
    expect(secret.length).toBeGreaterThanOrEqual(40);
    const db = await getDb();
    expect(JSON.stringify(await db.mailToken.findMany())).not.toContain(secret);

    const done = await call(reset.POST, { body: { token: secret, password: "new-password-2" } });
    expect(done.status).toBe(200);
    expect((await call(me.GET, { cookie })).status).toBe(401);
    expect((await call(me.GET, { bearer: access_token })).status).toBe(401);
    expect((await signIn("forgetful@example.com", "old-password-1")).status).toBe(401);
    expect((await signIn("forgetful@example.com", "new-password-2")).status).toBe(200);

    const again = await call(reset.POST, { body: { token: secret, password: "third-password-3" } });
    expect(again.status).toBe(400);
    expect((await json<{ error: { message: string } }>(again)).error.message).toMatch(
      /invalid, expired or already used/,
    );
  });

  it("answers the same for an unknown address, and sends nothing", async () => {
    await createUser({ email: "known@example.com", password: "password-123" });
    const a = await call(forgot.POST, { body: { email: "known@example.com" } });
    const b = await call(forgot.POST, { body: { email: "nobody-here@example.com" } });
    expect([a.status, await a.json()]).toEqual([b.status, await b.json()]);
    await mailTo("known@example.com");
    expect(smtp.mails.some((m) => m.to.includes("nobody-here@example.com"))).toBe(false);
  });

  it("refuses an expired link, a made-up one and a short password", async () => {
    await createUser({ email: "late@example.com", password: "password-123" });
    await call(forgot.POST, { body: { email: "late@example.com" } });
    const secret = linkIn(await mailTo("late@example.com"), "/reset-password").searchParams.get("token")!;
    expect((await call(reset.POST, { body: { token: secret, password: "short" } })).status).toBe(400);
    const db = await getDb();
    await db.mailToken.updateMany({
      where: { purpose: "RESET", usedAt: null },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await call(reset.POST, { body: { token: secret, password: "long-enough-password" } })).status).toBe(400);
    expect(
      (await call(reset.POST, { body: { token: "made-up-token", password: "long-enough-password" } })).status,
    ).toBe(400);
    expect((await signIn("late@example.com", "password-123")).status).toBe(200);
  });
});
