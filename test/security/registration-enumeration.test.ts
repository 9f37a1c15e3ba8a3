// Issue 19: registration answered 409 for an address that has an account, so anyone could test
// addresses. With REQUIRE_EMAIL_VERIFICATION on, the answer is the same either way; the mail tells
// the address's owner which case it was.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as register from "@/app/api/auth/register/route";
import { getDb } from "@/lib/db/client";
import { createUser } from "@/lib/users/accounts";
import { call, startApp } from "../helpers/app";
import { mailText, startSmtpServer } from "../helpers/smtp";

const smtp = await startSmtpServer();
process.env.SMTP_HOST = "127.0.0.1";
process.env.SMTP_PORT = String(smtp.port);
process.env.APP_URL = "http://tollgate.test";
process.env.REQUIRE_EMAIL_VERIFICATION = "true";
afterAll(() => smtp.close());
beforeAll(async () => {
  await startApp();
  await createUser({ email: "taken@example.com", password: "owner-password" });
});

const attempt = (email: string) => call(register.POST, { body: { email, password: "attacker-pass", name: "Probe" } });

describe("probing registration for existing addresses", () => {
  it("gets the same answer for a taken and a free address, and the taken account is unchanged", async () => {
    const taken = await attempt("taken@example.com");
    const free = await attempt("free@example.com");
    expect(taken.status).toBe(free.status);
    expect(await taken.json()).toEqual(await free.json());
    expect(taken.headers.getSetCookie()).toEqual(free.headers.getSetCookie());

    await expect.poll(() => smtp.mails.length).toBe(2);
    const toTaken = smtp.mails.find((m) => m.to.includes("taken@example.com"))!;
    expect(mailText(toTaken)).toContain("already has one");
    expect(mailText(smtp.mails.find((m) => m.to.includes("free@example.com"))!)).toContain("/verify-email?token=");
    const db = await getDb();
    expect(await db.user.count({ where: { email: "taken@example.com" } })).toBe(1);
  });

  it("refuses CR/LF in the name (a mail or log header injection) with a 400 naming the field", async () => {
    const res = await call(register.POST, {
      body: { email: "crlf@example.com", password: "password-123", name: "Eve\r\nBcc: all@example.com" },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("name");
    const header = await call(register.POST, {
      body: { email: "crlf@example.com\r\nBcc: all@example.com", password: "password-123" },
    });
    expect(header.status).toBe(400);
  });
});
