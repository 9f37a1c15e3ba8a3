import "server-only";
import { authenticateApiKey } from "../api-keys";
import type { Caller } from "./types";

/** `Authorization: Bearer tg-…` (or `x-api-key`), or the ADMIN_API_KEY bootstrap token. Throws 401. */
export async function callerFromApiKey(raw: string): Promise<Caller> {
  const auth = await authenticateApiKey(raw);
  if (auth.kind === "admin-token")
    return { userId: null, email: "ADMIN_API_KEY", role: "ADMIN", groupId: null, via: "admin-token" };
  const { key } = auth;
  // A key acts as an admin only when both the key and its owner are admins.
  const role = key.role === "ADMIN" && key.userRole === "ADMIN" ? "ADMIN" : "USER";
  return { userId: key.userId, email: key.userEmail, role, groupId: key.groupId, via: "api-key", key };
}
