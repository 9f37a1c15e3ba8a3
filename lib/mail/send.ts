import "server-only";
import nodemailer from "nodemailer";
import { config } from "@/lib/config";
import { logger } from "@/lib/logging/logger";

// Mail goes out over SMTP when SMTP_HOST is set; otherwise it is logged as not sent (without
// its body, which may carry a key).

export type Mail = { to: string; subject: string; text: string };
export type MailResult = { sent: boolean; reason?: string };

const globalForMail = globalThis as unknown as { tollgateTransport?: nodemailer.Transporter };

function transport(): nodemailer.Transporter | null {
  const cfg = config();
  if (!cfg.SMTP_HOST) return null;
  globalForMail.tollgateTransport ??= nodemailer.createTransport({
    host: cfg.SMTP_HOST,
    port: cfg.SMTP_PORT,
    secure: cfg.SMTP_SECURE,
    auth: cfg.SMTP_USER ? { user: cfg.SMTP_USER, pass: cfg.SMTP_PASS ?? "" } : undefined,
    // Local and test servers often have no certificate; STARTTLS is still used when offered.
    tls: { rejectUnauthorized: cfg.NODE_ENV === "production" },
  });
  return globalForMail.tollgateTransport;
}

export async function sendMail(mail: Mail): Promise<MailResult> {
  const t = transport();
  if (!t) {
    logger.info({ to: mail.to, subject: mail.subject }, "mail not sent: SMTP is not configured");
    return { sent: false, reason: "SMTP is not configured" };
  }
  try {
    await t.sendMail({ from: config().SMTP_FROM, to: mail.to, subject: mail.subject, text: mail.text });
    return { sent: true };
  } catch (err) {
    logger.warn({ to: mail.to, err: err instanceof Error ? err.message : String(err) }, "mail could not be sent");
    return { sent: false, reason: "the mail server refused the message" };
  }
}

/** Connects (and signs in) to the SMTP server without sending anything; throws when it fails. For `tollgate doctor`. */
export async function verifySmtpOrThrow(): Promise<"ok" | "not_configured"> {
  const t = transport();
  if (!t) return "not_configured";
  await t.verify();
  return "ok";
}

export function apiKeyMail(to: string, key: string, name: string, baseUrl: string): Mail {
  return {
    to,
    subject: "Your Tollgate API key",
    text: [
      `Hello,`,
      ``,
      `An administrator created the API key "${name}" for you:`,
      ``,
      `    ${key}`,
      ``,
      `Use it with any OpenAI-compatible client:`,
      `    base URL: ${baseUrl}/v1`,
      ``,
      `Keep it secret; it is shown only in this mail and cannot be recovered.`,
    ].join("\n"),
  };
}
