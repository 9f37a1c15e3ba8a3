import "server-only";
import { createHmac } from "node:crypto";
import { config } from "@/lib/config";
import { AppError, isAppError } from "@/lib/errors";
import { subscribe } from "@/lib/events/bus";
import { emailSchema } from "@/lib/validations/auth";
import { looksLikeApiKey } from "../api-keys";
import { onSessionsRevoked, recordSignIn } from "../auth-sessions";
import { loginOrThrow } from "../login";
import { callerFromApiKey } from "./api-key";
import type { Caller } from "./types";

// `Authorization: Basic base64(email:password)` or `base64(email:tg-key)`, for scripts and tools
// that only speak Basic. A password costs a scrypt hash (~50 ms of CPU), so a verified one is
// remembered for a minute under an HMAC of the credentials (never the password itself); the
// login throttle guards the misses per account and per address. A password change, "sign out
// everywhere" or a change to the user (disabled, demoted) forgets what was remembered.

export const BASIC_CHALLENGE = { "www-authenticate": 'Basic realm="Tollgate", charset="UTF-8"' };
const REMEMBER_MS = 60_000;

type Remembered = { caller: Caller; at: number };
const globalForBasic = globalThis as unknown as {
  tollgateBasic?: Map<string, Remembered>;
  tollgateBasicSubscribed?: boolean;
};
const remembered = (globalForBasic.tollgateBasic ??= new Map());

function ensureSubscribed(): void {
  if (globalForBasic.tollgateBasicSubscribed) return;
  globalForBasic.tollgateBasicSubscribed = true;
  subscribe("keys", () => remembered.clear());
  onSessionsRevoked((r) => {
    if (r.all || r.full) return remembered.clear();
    if (r.userId) for (const [k, v] of remembered) if (v.caller.userId === r.userId) remembered.delete(k);
  });
}

function unauthorized(message: string): AppError {
  return new AppError("unauthorized", message, { headers: BASIC_CHALLENGE });
}

function decode(value: string): { email: string; secret: string } {
  const text = /^[A-Za-z0-9+/]+={0,2}$/.test(value) ? Buffer.from(value, "base64").toString("utf8") : "";
  const colon = text.indexOf(":");
  const email = emailSchema.safeParse(text.slice(0, colon));
  if (colon <= 0 || !email.success) throw unauthorized("Malformed Basic credentials: send base64(email:password)");
  return { email: email.data, secret: text.slice(colon + 1) };
}

export async function callerFromBasic(req: Request, value: string): Promise<Caller> {
  ensureSubscribed();
  const { email, secret } = decode(value);
  if (looksLikeApiKey(secret)) {
    const caller = await callerFromApiKey(secret).catch((err) => {
      throw isAppError(err) ? unauthorized(err.message) : err;
    });
    if (caller.email.toLowerCase() !== email) throw unauthorized("This API key does not belong to that email address");
    return { ...caller, via: "basic" };
  }
  const id = createHmac("sha256", config().authSecret).update(`basic\0${email}\0${secret}`).digest("base64url");
  const hit = remembered.get(id);
  if (hit && Date.now() - hit.at < REMEMBER_MS) return hit.caller;
  let caller: Caller;
  try {
    const user = await loginOrThrow(req, email, secret);
    caller = {
      userId: user.id,
      email: user.email,
      role: user.role,
      groupId: user.groupId,
      via: "basic",
      emailVerified: !!user.emailVerifiedAt,
    };
  } catch (err) {
    throw isAppError(err) && err.code === "unauthorized" ? unauthorized(err.message) : err;
  }
  await recordSignIn({ userId: caller.userId!, email: caller.email, method: "basic" });
  if (remembered.size > 10_000) remembered.clear();
  remembered.set(id, { caller, at: Date.now() });
  return caller;
}
