import "server-only";
import type { z } from "zod";
import { walletSettingsFrom } from "@/lib/admin/wallet";
import { type AuditEntry, writeAudit } from "@/lib/audit";
import { invalidateKeyIndex } from "@/lib/auth/api-keys";
import { adjustWallet, presentLimit } from "@/lib/billing/ledger";
import { getDb } from "@/lib/db/client";
import { isNotFound, isUniqueViolation } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { groupCreateSchema, groupUpdateSchema, Pagination } from "@/lib/validations/admin";

// Groups (teams, companies) and their shared limits, which every member's requests must also pass.

type Actor = AuditEntry["actor"];

const groupViewSelect = {
  id: true,
  name: true,
  description: true,
  createdAt: true,
  limit: true,
  _count: { select: { users: true } },
} satisfies Prisma.GroupSelect;

function presentGroup(g: Prisma.GroupGetPayload<{ select: typeof groupViewSelect }>) {
  const { limit, _count, ...rest } = g;
  return { ...rest, userCount: _count.users, limit: limit ? presentLimit(limit) : null };
}

export async function listGroups(input: Pagination) {
  const db = await getDb();
  const where: Prisma.GroupWhereInput = input.q
    ? {
        OR: [
          { name: { contains: input.q, mode: "insensitive" } },
          { description: { contains: input.q, mode: "insensitive" } },
        ],
      }
    : {};
  const [total, rows] = await Promise.all([
    db.group.count({ where }),
    db.group.findMany({
      where,
      select: groupViewSelect,
      orderBy: [{ name: "asc" }, { id: "asc" }],
      take: input.limit,
      skip: input.offset,
    }),
  ]);
  return { total, items: rows.map(presentGroup) };
}

export async function getGroupOrThrow(id: string) {
  const db = await getDb();
  const group = await db.group.findUnique({ where: { id }, select: groupViewSelect });
  if (!group) throw new AppError("not_found", "Group not found");
  return presentGroup(group);
}

function duplicateName(err: unknown, name: string | undefined): never {
  if (isUniqueViolation(err))
    throw new AppError("conflict", `A group named '${name}' already exists`, { param: "name" });
  throw err;
}

export async function createGroup(input: { fields: z.infer<typeof groupCreateSchema>; actor: Actor }) {
  const { name, description, ...limits } = input.fields;
  const set = walletSettingsFrom(limits);
  const db = await getDb();
  const group = await db
    .$transaction(async (tx) => {
      const row = await tx.group.create({ data: { name, description: description ?? "" } });
      await writeAudit(
        { actor: input.actor, action: "group.create", targetType: "group", targetId: row.id, after: row },
        tx,
      );
      return row;
    })
    .catch((err) => duplicateName(err, name));
  if (set) await adjustWallet({ target: { groupId: group.id }, set, actor: input.actor });
  return getGroupOrThrow(group.id);
}

export async function updateGroup(input: { fields: z.infer<typeof groupUpdateSchema>; actor: Actor }) {
  const { id, name, description, ...limits } = input.fields;
  const set = walletSettingsFrom(limits);
  const db = await getDb();
  if (name !== undefined || description !== undefined) {
    await db
      .$transaction(async (tx) => {
        const before = await tx.group.findUnique({ where: { id } });
        if (!before) throw new AppError("not_found", "Group not found");
        const after = await tx.group.update({ where: { id }, data: { name, description } });
        await writeAudit(
          { actor: input.actor, action: "group.update", targetType: "group", targetId: id, before, after },
          tx,
        );
      })
      .catch((err) => duplicateName(err, name));
  }
  if (set) await adjustWallet({ target: { groupId: id }, set, actor: input.actor });
  return getGroupOrThrow(id);
}

/** Members stay, without a group; the group's limits go with it. */
export async function deleteGroup(input: { id: string; actor: Actor }) {
  const db = await getDb();
  try {
    await db.$transaction(async (tx) => {
      const before = await tx.group.delete({ where: { id: input.id } });
      await writeAudit(
        { actor: input.actor, action: "group.delete", targetType: "group", targetId: input.id, before },
        tx,
      );
    });
  } catch (err) {
    if (isNotFound(err)) throw new AppError("not_found", "Group not found");
    throw err;
  }
  // Members lose the group without their own row changing, so the key index is rebuilt.
  invalidateKeyIndex({ full: true });
  return { deleted: true, id: input.id };
}
