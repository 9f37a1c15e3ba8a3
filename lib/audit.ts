import "server-only";
import type { Caller } from "@/lib/auth/methods/types";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Pagination } from "@/lib/validations/admin";

// Every admin change writes one audit row: who, what, before and after. Rows are only ever
// inserted and read; nothing in the app updates or deletes them.

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
  return JSON.parse(
    JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
  ) as Prisma.InputJsonValue;
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

/** The audit log, newest first. `action` matches a prefix ("user." → every user change); `q` searches actor and target. */
export async function listAuditLog(
  input: Pagination & { action?: string; targetType?: string; targetId?: string; actorId?: string },
) {
  const db = await getDb();
  const and: Prisma.AuditLogWhereInput[] = [];
  if (input.action) and.push({ action: { startsWith: input.action } });
  if (input.targetType) and.push({ targetType: input.targetType });
  if (input.targetId) and.push({ targetId: input.targetId });
  if (input.actorId) and.push({ actorId: input.actorId });
  if (input.q) {
    const contains = { contains: input.q, mode: "insensitive" } as const;
    and.push({ OR: [{ actorLabel: contains }, { action: contains }, { targetId: contains }] });
  }
  const where = { AND: and };
  const [total, items] = await Promise.all([
    db.auditLog.count({ where }),
    db.auditLog.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: input.limit,
      skip: input.offset,
    }),
  ]);
  return { total, items };
}
