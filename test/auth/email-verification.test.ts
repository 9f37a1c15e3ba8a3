// Issue 22 item 5: with REQUIRE_EMAIL_VERIFICATION=true a new account confirms its address by
// following a mailed link (through a real SMTP server) before it can chat.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as login from "@/app/api/auth/login/route";
import * as me from "@/app/api/auth/me/route";
import * as register from "@/app/api/auth/register/route";
import * as verify from "@/app/api/auth/verify-email/route";
import * as chatModels from "@/app/api/chat/models/route";
import { call, json, startApp } from "../helpers/app";
import { linkIn, startSmtpServer } from "../helpers/smtp";

const smtp = await startSmtpServer();
process.env.SMTP_HOST = "127.0.0.1";
process.env.SMTP_PORT = String(smtp.port);
process.env.APP_URL = "http://tollgate.test";
process.env.REQUIRE_EMAIL_VERIFICATION = "true";
afterAll(() => smtp.close());
beforeAll(startApp);

describe("REQUIRE_EMAIL_VERIFICATION", () => {
  it("lets a new account chat only after it followed the link in its mail", async () => {
    const res = await call(register.POST, {
      body: { email: "new@example.com", password: "password-123", name: "New" },
    });
    expect(res.status).toBe(202);
    expect(res.headers.getSetCookie()).toEqual([]);

    const signedIn = await call(login.POST, { body: { email: "new@example.com", password: "password-123" } });
    expect(signedIn.status).toBe(200);
    const cookie = signedIn.headers.getSetCookie()[0].split(";")[0];
    expect(await json(await call(me.GET, { cookie }))).toMatchObject({ user: { emailVerifiedAt: null } });
    const refused = await call(chatModels.GET, { cookie });
    expect(refused.status).toBe(403);
    expect((await json<{ error: { message: string } }>(refused)).error.message).toMatch(/Confirm your email address/);

    await expect.poll(() => smtp.mails.filter((m) => m.to.includes("new@example.com")).length).toBe(1);
    const link = linkIn(smtp.mails.find((m) => m.to.includes("new@example.com"))!, "/verify-email");
    expect(link.origin).toBe("http://tollgate.test");
    expect((await call(verify.POST, { body: { token: link.searchParams.get("token") } })).status).toBe(200);
    expect((await call(chatModels.GET, { cookie })).status).toBe(200);
    expect((await call(verify.POST, { body: { token: link.searchParams.get("token") } })).status).toBe(400);
  });
});
