import "server-only";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { authenticateApiKey, bearerFrom, type KeyRecord } from "./api-keys";
import { readSessionToken } from "./session";

export type Caller = {
  /** null only for the ADMIN_API_KEY bootstrap token, which is not a user. */
  userId: string | null;
  email: string;
  role: "USER" | "ADMIN";
  groupId: string | null;
  via: "session" | "api-key" | "admin-token";
  key?: KeyRecord;
};

/** Who is calling: a session cookie, an API key, or the ADMIN_API_KEY token. Throws 401. */
export async function resolveCallerOrThrow(req: Request): Promise<Caller> {
  const bearer = bearerFrom(req.headers);
  if (bearer) {
    const auth = await authenticateApiKey(bearer);
    if (auth.kind === "admin-token") return { userId: null, email: "ADMIN_API_KEY", role: "ADMIN", groupId: null, via: "admin-token" };
    const { key } = auth;
    // A key acts as an admin only when both the key and its owner are admins.
    const role = key.role === "ADMIN" && key.userRole === "ADMIN" ? "ADMIN" : "USER";
    return { userId: key.userId, email: key.userEmail, role, groupId: key.groupId, via: "api-key", key };
  }
  const claims = await readSessionToken(req.headers.get("cookie"));
  if (!claims) throw new AppError("unauthorized", "Sign in first");
  // Role and status come from the database, so a demotion or a disabled account applies at once.
  const db = await getDb();
  const user = await db.user.findUnique({ where: { id: claims.sub }, select: { id: true, email: true, role: true, status: true, groupId: true } });
  if (!user || user.status !== "ACTIVE") throw new AppError("unauthorized", "Your session is no longer valid; sign in again");
  return { userId: user.id, email: user.email, role: user.role, groupId: user.groupId, via: "session" };
}

export function requireAdmin(caller: Caller): void {
  if (caller.role !== "ADMIN") throw new AppError("forbidden", "This needs an administrator");
}

/** A caller that is a real user (not the bootstrap admin token). */
export function requireUserId(caller: Caller): string {
  if (!caller.userId) throw new AppError("forbidden", "This needs a user account, not the ADMIN_API_KEY token");
  return caller.userId;
}
