import "server-only";
import { activeSession } from "../auth-sessions";
import { readSessionToken } from "../session";
import type { Caller } from "./types";

/** The session cookie, when its AuthSession is still active (not logged out, revoked, or its user disabled). */
export async function callerFromSessionCookie(cookieHeader: string | null): Promise<Caller | null> {
  const claims = await readSessionToken(cookieHeader);
  if (!claims) return null;
  const s = await activeSession(claims.sid);
  if (!s || s.userId !== claims.sub) return null;
  return {
    userId: s.userId,
    email: s.email,
    role: s.role,
    groupId: s.groupId,
    via: "session",
    sessionId: s.sessionId,
    emailVerified: s.emailVerified,
  };
}
