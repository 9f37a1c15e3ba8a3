import "server-only";
import { authenticateApiKey, bearerFrom } from "@/lib/auth/api-keys";
import { AppError } from "@/lib/errors";
import type { GatewayInput } from "./pipeline";

/** The principal behind an API key (Authorization: Bearer or x-api-key); no database query. */
export async function apiPrincipalOrThrow(req: Request): Promise<GatewayInput["principal"]> {
  const bearer = bearerFrom(req.headers);
  if (!bearer) throw new AppError("unauthorized", "Missing API key: send Authorization: Bearer <key> (or x-api-key: <key>)");
  const auth = await authenticateApiKey(bearer);
  if (auth.kind === "admin-token") throw new AppError("forbidden", "ADMIN_API_KEY is for the admin API; use a user's API key to call models");
  const key = auth.key;
  return { userId: key.userId, groupId: key.groupId, key, source: "API", rates: key.rates };
}

const SESSION_HEADER = /^[\w.:-]{1,128}$/;

export function sessionHeaderFrom(req: Request): string | null {
  const value = req.headers.get("x-session-id");
  return value && SESSION_HEADER.test(value) ? value : null;
}
