import "server-only";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { Caller } from "@/lib/auth/caller";
import type { GatewayInput } from "@/lib/gateway/pipeline";

export type ChatUser = { userId: string; groupId: string | null; isAdmin: boolean };

/**
 * The chat app acts for a signed-in browser session only: an API key must not reach the chat
 * routes, where requests are billed without the key's own limits.
 */
export function requireChatUser(caller: Caller): ChatUser {
  if (caller.via !== "session" || !caller.userId) throw new AppError("forbidden", "This needs a signed-in browser session; API keys are for /v1");
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
