import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import { getDb } from "@/lib/db/client";
import type { Caller } from "@/lib/auth/caller";

// Every admin change writes one audit row: who, what, before and after. Rows are only ever
// inserted; nothing in the app updates or deletes them.

export type AuditEntry = {
  actor: Pick<Caller, "userId" | "email">;
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
};

function json(value: unknown): Prisma.InputJsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v))) as Prisma.InputJsonValue;
}

export async function writeAudit(entry: AuditEntry, tx?: Prisma.TransactionClient): Promise<void> {
  const db = tx ?? (await getDb());
  await db.auditLog.create({
    data: {
      actorId: entry.actor.userId,
      actorLabel: entry.actor.email,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      before: json(entry.before),
      after: json(entry.after),
    },
  });
}
