import { afterAll, describe, expect, it } from "vitest";
import { apiKeyMail, sendMail } from "@/lib/mail/send";
import { startSmtpServer } from "../helpers/smtp";

const smtp = await startSmtpServer();
process.env.SMTP_HOST = "127.0.0.1";
process.env.SMTP_PORT = String(smtp.port);
process.env.SMTP_USER = "tollgate";
process.env.SMTP_PASS = "smtp-password";
process.env.SMTP_FROM = "Tollgate <keys@tollgate.test>";
afterAll(() => smtp.close());

describe("sendMail over SMTP", () => {
  it("delivers an API key mail to a real SMTP server", async () => {
    const key = `tg-${"k".repeat(40)}`;
    const result = await sendMail(apiKeyMail("someone@example.test", key, "CI key", "http://tollgate.test"));
    expect(result).toEqual({ sent: true });
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0].to).toEqual(["someone@example.test"]);
    expect(smtp.mails[0].from).toBe("keys@tollgate.test");
    expect(smtp.mails[0].raw).toContain(key);
    expect(smtp.mails[0].raw).toContain("http://tollgate.test/v1");
  });
});
