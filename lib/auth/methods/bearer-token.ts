import "server-only";
import { AppError } from "@/lib/errors";
import { activeSession } from "../auth-sessions";
import { verifyAccessToken } from "../tokens";
import type { Caller } from "./types";

/** `Authorization: Bearer <access token>` from POST /api/auth/token. Throws 401. */
export async function callerFromAccessToken(token: string): Promise<Caller> {
  const claims = await verifyAccessToken(token);
  if (!claims) throw new AppError("unauthorized", "Invalid or expired access token");
  const s = await activeSession(claims.sessionId);
  if (!s || s.userId !== claims.userId)
    throw new AppError("unauthorized", "This access token has been revoked; sign in again");
  return {
    userId: s.userId,
    email: s.email,
    role: s.role,
    groupId: s.groupId,
    via: "token",
    sessionId: s.sessionId,
    emailVerified: s.emailVerified,
  };
}
