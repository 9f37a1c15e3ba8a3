import "server-only";
import type { Caller } from "@/lib/auth/caller";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { GatewayInput } from "@/lib/gateway/pipeline";

export type ChatUser = { userId: string; groupId: string | null; isAdmin: boolean };

/**
 * The chat app acts for a signed-in user (browser session, access token or password Basic): an
 * API key must not reach the chat routes, where requests are billed without the key's own limits.
 */
export function requireChatUser(caller: Caller): ChatUser {
  const user = requireSignedInUser(caller);
  if (caller.emailVerified === false)
    throw new AppError("forbidden", "Confirm your email address first (see the mail we sent)");
  return user;
}

/** requireChatUser without the confirmed-address check (changing a password needs none). */
export function requireSignedInUser(caller: Caller): ChatUser {
  const asUser = caller.via === "session" || caller.via === "token" || caller.via === "basic";
  if (!asUser || caller.key || !caller.userId)
    throw new AppError(
      "forbidden",
      "This needs a signed-in user (session, access token or Basic with a password); API keys are for /v1",
    );
  return { userId: caller.userId, groupId: caller.groupId, isAdmin: caller.role === "ADMIN" };
}

/** The gateway principal for a chat request: no key, the user's own per-minute limits. */
export async function chatPrincipal(user: ChatUser): Promise<GatewayInput["principal"]> {
  const db = await getDb();
  const limit = await db.limit.findUnique({ where: { userId: user.userId }, select: { rpm: true, tpm: true } });
  return {
    userId: user.userId,
    groupId: user.groupId,
    key: null,
    source: "CHAT",
    rates: { keyRpm: null, keyTpm: null, userRpm: limit?.rpm ?? null, userTpm: limit?.tpm ?? null },
  };
}
