import "server-only";
import { AppError } from "@/lib/errors";

export { resolveCaller, resolveCallerOrThrow } from "./methods";
// The one auth layer: lib/auth/methods holds one file per way in; this module is what routes use.
export type { Caller, CallerVia } from "./methods/types";

import type { Caller } from "./methods/types";

export function requireAdmin(caller: Caller): void {
  if (caller.role !== "ADMIN") throw new AppError("forbidden", "This needs an administrator");
}

/** A caller that is a real user (not the bootstrap admin token). */
export function requireUserId(caller: Caller): string {
  if (!caller.userId) throw new AppError("forbidden", "This needs a user account, not the ADMIN_API_KEY token");
  return caller.userId;
}
