// Password-reset poisoning: a reset link built from the request's Host header would let anyone
// make a victim's reset mail point at their own server (and collect the token). Links come from
// APP_URL only; without it, only a localhost origin is trusted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as forgot from "@/app/api/auth/password/forgot/route";
import { resetConfig } from "@/lib/config";
import { createUser } from "@/lib/users/accounts";
import { startApp } from "../helpers/app";
import { mailText, startSmtpServer } from "../helpers/smtp";

const smtp = await startSmtpServer();
process.env.SMTP_HOST = "127.0.0.1";
process.env.SMTP_PORT = String(smtp.port);
afterAll(() => smtp.close());
beforeAll(async () => {
  await startApp();
  await createUser({ email: "victim@example.com", password: "password-123" });
});

const forgotFrom = (url: string) =>
  forgot.POST(
    new Request(url, {
      method: "POST",
      headers: { "content-type": "application/json", host: new URL(url).host },
      body: JSON.stringify({ email: "victim@example.com" }),
    }),
    { params: Promise.resolve({}) },
  );

describe("a forged Host on 'forgot password'", () => {
  it("never puts the forged host in the mail: APP_URL is used", async () => {
    process.env.APP_URL = "https://tollgate.example.com";
    resetConfig();
    expect((await forgotFrom("https://evil.example/api/auth/password/forgot")).status).toBe(200);
    await expect.poll(() => smtp.mails.length).toBe(1);
    expect(mailText(smtp.mails[0])).toContain("https://tollgate.example.com/reset-password?token=");
    expect(mailText(smtp.mails[0])).not.toContain("evil.example");
  });

  it("sends no link at all without APP_URL unless the server is reached on localhost", async () => {
    delete process.env.APP_URL;
    resetConfig();
    expect((await forgotFrom("https://evil.example/api/auth/password/forgot")).status).toBe(200);
    expect((await forgotFrom("http://localhost:3000/api/auth/password/forgot")).status).toBe(200);
    await expect.poll(() => smtp.mails.length).toBe(2);
    expect(mailText(smtp.mails[1])).toContain("http://localhost:3000/reset-password?token=");
    expect(smtp.mails.map(mailText).join("\n")).not.toContain("evil.example");
  });
});
