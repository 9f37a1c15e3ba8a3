import "server-only";
import { authenticateApiKey } from "@/lib/auth/api-keys";
import { resolveCallerOrThrow } from "@/lib/auth/caller";
import { credentialsFrom } from "@/lib/auth/methods/types";
import { chatPrincipal } from "@/lib/chat/principal";
import { AppError } from "@/lib/errors";
import type { GatewayInput } from "./pipeline";

const adminTokenRefused = () =>
  new AppError("forbidden", "ADMIN_API_KEY is for the admin API; use a user's API key to call models");

/**
 * The principal behind a /v1 request. An API key (`Authorization: Bearer tg-…` or `x-api-key`)
 * takes the fast path with no database query; an access token from POST /api/auth/token or
 * HTTP Basic goes through the auth layer and bills the user, like the chat page.
 */
export async function apiPrincipalOrThrow(req: Request): Promise<GatewayInput["principal"]> {
  const creds = credentialsFrom(req.headers);
  if (!creds)
    throw new AppError("unauthorized", "Missing API key: send Authorization: Bearer <key> (or x-api-key: <key>)");
  if (creds.scheme === "bearer" && creds.value.startsWith("tg-")) {
    const auth = await authenticateApiKey(creds.value);
    if (auth.kind === "admin-token") throw adminTokenRefused();
    const key = auth.key;
    return { userId: key.userId, groupId: key.groupId, key, source: "API", rates: key.rates };
  }
  const caller = await resolveCallerOrThrow(req);
  if (caller.via === "admin-token" || !caller.userId) throw adminTokenRefused();
  if (caller.key)
    return { userId: caller.userId, groupId: caller.groupId, key: caller.key, source: "API", rates: caller.key.rates };
  if (caller.emailVerified === false)
    throw new AppError("forbidden", "Confirm your email address first (see the mail we sent)");
  return {
    ...(await chatPrincipal({ userId: caller.userId, groupId: caller.groupId, isAdmin: caller.role === "ADMIN" })),
    source: "API",
  };
}

const SESSION_HEADER = /^[\w.:-]{1,128}$/;

export function sessionHeaderFrom(req: Request): string | null {
  const value = req.headers.get("x-session-id");
  return value && SESSION_HEADER.test(value) ? value : null;
}
