import type { KeyRecord } from "@/lib/auth/api-keys";
import { Prisma } from "@/lib/generated/prisma/client";

/** Who a gateway request is billed to: a user, through one of their keys (API) or their session (chat). */
export type Principal = {
  userId: string;
  groupId: string | null;
  key: KeyRecord | null;
  source: "API" | "CHAT";
};

/** SQL condition for the Limit rows of every level that applies to the principal: its key, its user, its group. */
export function limitRowsOf(p: Principal): Prisma.Sql {
  return Prisma.sql`"apiKeyId" = ${p.key?.id ?? null} OR "userId" = ${p.userId} OR "groupId" = ${p.groupId}`;
}
