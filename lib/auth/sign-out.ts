import "server-only";
import { writeAudit } from "@/lib/audit";
import { revokeSession, revokeUserSessions } from "./auth-sessions";
import type { Caller } from "./methods/types";
import { readSessionToken } from "./session";

/** Logout: the cookie's AuthSession ends, so a copy of the cookie stops working too. */
export async function endSessionOfRequest(req: Request): Promise<void> {
  const claims = await readSessionToken(req.headers.get("cookie"));
  if (claims) await revokeSession(claims.sid);
}

/** "Sign out everywhere": every session and token family of the user ends, on every instance. */
export async function signOutEverywhere(input: {
  userId: string;
  actor: Pick<Caller, "userId" | "email">;
}): Promise<{ revoked: number }> {
  const revoked = await revokeUserSessions(input.userId);
  await writeAudit({
    actor: input.actor,
    action: "auth.sign-out-everywhere",
    targetType: "user",
    targetId: input.userId,
    after: { revoked },
  });
  return { revoked };
}
