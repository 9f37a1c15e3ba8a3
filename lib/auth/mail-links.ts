import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logging/logger";
import { sendMail } from "@/lib/mail/send";
import { forgetUserSessions, revokeUserSessions } from "./auth-sessions";
import { hashPassword } from "./password";

// Single-use links by mail: "forgot password" and "confirm your address". The token is 32 random
// bytes; only its SHA-256 is stored, with a purpose and an expiry, and using it marks it used in
// the same statement that checks it, so a link works once even when clicked twice at once.

export const RESET_MINUTES = 30;
const VERIFY_HOURS = 48;
type Purpose = "RESET" | "VERIFY";

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * The base of links in mails: APP_URL, never the request's Host header (a forged Host would turn
 * a victim's reset mail into a link to the attacker). Without APP_URL only a localhost origin is
 * trusted (development); elsewhere no link is sent and the log says why.
 */
export function mailLinkBase(req: Request): string | null {
  const configured = config().APP_URL;
  if (configured) return configured.replace(/\/+$/, "");
  const origin = new URL(req.url);
  if (["localhost", "127.0.0.1", "[::1]"].includes(origin.hostname)) return origin.origin;
  logger.warn("mail link not sent: set APP_URL to Tollgate's public URL");
  return null;
}

async function issueToken(userId: string, purpose: Purpose, ms: number): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const db = await getDb();
  await db.mailToken.create({
    data: { userId, purpose, hash: hashToken(token), expiresAt: new Date(Date.now() + ms) },
  });
  return token;
}

/** Marks the token used and answers its user, or throws 400 when it is unknown, used or expired. */
async function consumeTokenOrThrow(token: string, purpose: Purpose): Promise<string> {
  const db = await getDb();
  const hash = hashToken(token);
  const { count } = await db.mailToken.updateMany({
    where: { hash, purpose, usedAt: null, expiresAt: { gt: new Date() } },
    data: { usedAt: new Date() },
  });
  const row = count === 1 ? await db.mailToken.findUnique({ where: { hash }, select: { userId: true } }) : null;
  if (!row)
    throw new AppError("bad_request", "This link is invalid, expired or already used; ask for a new one", {
      param: "token",
    });
  return row.userId;
}

// Sending runs after the answer: whether an address exists must not show in the response time either.
function sendLater(to: string, subject: string, text: string): void {
  void sendMail({ to, subject, text }).catch((err) => logger.warn({ err: String(err) }, "mail could not be sent"));
}

/** "Forgot password": mails a reset link when the address has an active account. Says nothing either way. */
export async function requestPasswordReset(req: Request, email: string): Promise<void> {
  const base = mailLinkBase(req);
  const db = await getDb();
  const user = await db.user.findUnique({ where: { email }, select: { id: true, status: true } });
  if (!base || !user || user.status !== "ACTIVE") return;
  const token = await issueToken(user.id, "RESET", RESET_MINUTES * 60_000);
  sendLater(
    email,
    "Reset your Tollgate password",
    [
      "Hello,",
      "",
      "Someone (hopefully you) asked to reset the password of your Tollgate account. Open this link to choose a new one:",
      "",
      `    ${base}/reset-password?token=${token}`,
      "",
      `It works once, for ${RESET_MINUTES} minutes. If you did not ask, ignore this mail: your password stays as it is.`,
    ].join("\n"),
  );
}

/** Sets a new password from a reset link; every session and token of the user ends. */
export async function resetPasswordWithToken(token: string, password: string): Promise<void> {
  const userId = await consumeTokenOrThrow(token, "RESET");
  const db = await getDb();
  // Following the link proved the mailbox, so the address counts as confirmed too.
  await db.user.update({
    where: { id: userId },
    data: { passwordHash: await hashPassword(password), emailVerifiedAt: new Date() },
  });
  await db.mailToken.updateMany({ where: { userId, purpose: "RESET", usedAt: null }, data: { usedAt: new Date() } });
  await revokeUserSessions(userId);
}

/** Mails the link that confirms a new account's address. */
export async function sendVerificationMail(req: Request, user: { id: string; email: string }): Promise<void> {
  const base = mailLinkBase(req);
  if (!base) return;
  const token = await issueToken(user.id, "VERIFY", VERIFY_HOURS * 3_600_000);
  sendLater(
    user.email,
    "Confirm your Tollgate address",
    [
      "Hello,",
      "",
      "Welcome to Tollgate. Confirm this address to start chatting:",
      "",
      `    ${base}/verify-email?token=${token}`,
      "",
      `The link works once, for ${VERIFY_HOURS} hours. If you did not create an account, ignore this mail.`,
    ].join("\n"),
  );
}

/** Someone registered with an address that already has an account: tell its owner, not the caller. */
export function sendAlreadyRegisteredMail(req: Request, email: string): void {
  const base = mailLinkBase(req);
  if (!base) return;
  sendLater(
    email,
    "You already have a Tollgate account",
    [
      "Hello,",
      "",
      "Someone (hopefully you) tried to create a Tollgate account with this address, which already has one.",
      `Sign in at ${base}/login, or reset your password at ${base}/forgot-password.`,
      "",
      "If it was not you, ignore this mail: nothing changed.",
    ].join("\n"),
  );
}

export async function verifyEmailWithToken(token: string): Promise<void> {
  const userId = await consumeTokenOrThrow(token, "VERIFY");
  const db = await getDb();
  await db.user.update({ where: { id: userId }, data: { emailVerifiedAt: new Date() } });
  forgetUserSessions(userId); // sessions cached "not verified": they see the change now
}
