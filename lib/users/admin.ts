import "server-only";
import type { z } from "zod";
import { walletSettingsFrom } from "@/lib/admin/wallet";
import { type AuditEntry, writeAudit } from "@/lib/audit";
import { invalidateKeyIndex } from "@/lib/auth/api-keys";
import { revokeUserSessions, signInSummary } from "@/lib/auth/auth-sessions";
import { hashPassword } from "@/lib/auth/password";
import { signOutEverywhere } from "@/lib/auth/sign-out";
import { adjustWallet, presentLimit } from "@/lib/billing/ledger";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { keyPublicSelect } from "@/lib/keys/service";
import type { Pagination, userCreateSchema, userUpdateSchema } from "@/lib/validations/admin";
import { createUser, publicUserSelect } from "./accounts";

// Accounts as administrators manage them. There is always at least one active administrator:
// demoting, disabling or deleting the last one is refused (checked under a row lock).

type Actor = AuditEntry["actor"];
type Tx = Prisma.TransactionClient;

const userViewSelect = {
  ...publicUserSelect,
  updatedAt: true,
  group: { select: { id: true, name: true } },
  limit: true,
  _count: { select: { apiKeys: true } },
} satisfies Prisma.UserSelect;

function presentUser(u: Prisma.UserGetPayload<{ select: typeof userViewSelect }>) {
  const { limit, _count, ...rest } = u;
  return { ...rest, keyCount: _count.apiKeys, limit: limit ? presentLimit(limit) : null };
}

export async function listUsers(
  input: Pagination & { role?: "USER" | "ADMIN"; status?: "ACTIVE" | "DISABLED"; groupId?: string },
) {
  const db = await getDb();
  const where: Prisma.UserWhereInput = {
    ...(input.role ? { role: input.role } : {}),
    ...(input.status ? { status: input.status } : {}),
    ...(input.groupId ? { groupId: input.groupId } : {}),
    ...(input.q
      ? {
          OR: [
            { email: { contains: input.q, mode: "insensitive" } },
            { name: { contains: input.q, mode: "insensitive" } },
          ],
        }
      : {}),
  };
  const [total, rows] = await Promise.all([
    db.user.count({ where }),
    db.user.findMany({
      where,
      select: userViewSelect,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: input.limit,
      skip: input.offset,
    }),
  ]);
  return { total, items: rows.map(presentUser) };
}

/** A user with their group, their limits and their keys (each with its own limits). */
export async function getUserDetailOrThrow(id: string) {
  const db = await getDb();
  const user = await db.user.findUnique({ where: { id }, select: userViewSelect });
  if (!user) throw new AppError("not_found", "User not found");
  const [keys, signIn] = await Promise.all([
    db.apiKey.findMany({
      where: { userId: id },
      select: { ...keyPublicSelect, limit: true },
      orderBy: { createdAt: "desc" },
    }),
    signInSummary(id),
  ]);
  return {
    user: presentUser(user),
    signIn,
    keys: keys.map((k) => ({ ...k, limit: k.limit ? presentLimit(k.limit) : null })),
  };
}

async function assertGroupExists(groupId: string | null | undefined): Promise<void> {
  if (!groupId) return;
  const db = await getDb();
  if (!(await db.group.findUnique({ where: { id: groupId }, select: { id: true } }))) {
    throw new AppError("validation_error", "group_id: there is no such group", { param: "group_id" });
  }
}

export async function createUserAsAdmin(input: { fields: z.infer<typeof userCreateSchema>; actor: Actor }) {
  const f = input.fields;
  await assertGroupExists(f.group_id);
  const user = await createUser({
    email: f.email,
    password: f.password,
    name: f.name,
    role: f.role,
    groupId: f.group_id ?? null,
  });
  await writeAudit({
    actor: input.actor,
    action: "user.create",
    targetType: "user",
    targetId: user.id,
    after: { ...user, hasPassword: !!f.password },
  });
  return getUserDetailOrThrow(user.id);
}

/** Locks the admin rows, then tells whether another active administrator remains besides `userId`. */
async function anotherActiveAdmin(tx: Tx, userId: string): Promise<boolean> {
  await tx.$queryRaw`SELECT "id" FROM "User" WHERE "role" = 'ADMIN' FOR UPDATE`;
  return (await tx.user.count({ where: { role: "ADMIN", status: "ACTIVE", id: { not: userId } } })) > 0;
}

export async function updateUserAsAdmin(input: { fields: z.infer<typeof userUpdateSchema>; actor: Actor }) {
  const { id, role, group_id, status, name, password, ...limits } = input.fields;
  const set = walletSettingsFrom(limits);
  await assertGroupExists(group_id);
  const passwordHash = password ? await hashPassword(password) : undefined;
  const db = await getDb();
  const changed = await db.$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id }, select: publicUserSelect });
    if (!before) throw new AppError("not_found", "User not found");
    const losesAdmin =
      before.role === "ADMIN" && before.status === "ACTIVE" && (role === "USER" || status === "DISABLED");
    if (losesAdmin && !(await anotherActiveAdmin(tx, id))) {
      throw new AppError("conflict", "This is the last active administrator; make someone else an administrator first");
    }
    const data = { role, groupId: group_id, status, name, passwordHash };
    if (!Object.values(data).some((v) => v !== undefined)) return false;
    const after = await tx.user.update({ where: { id }, data, select: publicUserSelect });
    await writeAudit(
      {
        actor: input.actor,
        action: "user.update",
        targetType: "user",
        targetId: id,
        before,
        after: { ...after, ...(password ? { passwordChanged: true } : {}) },
      },
      tx,
    );
    return before.role !== after.role || before.status !== after.status || before.groupId !== after.groupId;
  });
  if (changed) invalidateKeyIndex();
  // A disabled account or a password set by an administrator ends the sessions opened before.
  if (status === "DISABLED" || password) await revokeUserSessions(id);
  if (set) await adjustWallet({ target: { userId: id }, set, actor: input.actor });
  return getUserDetailOrThrow(id);
}

/** "Sign out everywhere" for someone else: every session and bearer token of the user ends. */
export async function signOutUserAsAdmin(input: { id: string; actor: Actor }) {
  const db = await getDb();
  if (!(await db.user.findUnique({ where: { id: input.id }, select: { id: true } })))
    throw new AppError("not_found", "User not found");
  return signOutEverywhere({ userId: input.id, actor: input.actor });
}

/** Deletes an account with its keys, wallet and history. Not yourself, not the last administrator. */
export async function deleteUserAsAdmin(input: { id: string; actor: Actor }) {
  if (input.actor.userId === input.id) throw new AppError("conflict", "You cannot delete your own account");
  const db = await getDb();
  await db.$transaction(async (tx) => {
    const target = await tx.user.findUnique({ where: { id: input.id }, select: publicUserSelect });
    if (!target) throw new AppError("not_found", "User not found");
    if (target.role === "ADMIN" && !(await anotherActiveAdmin(tx, input.id))) {
      throw new AppError("conflict", "This is the last active administrator and cannot be deleted");
    }
    await tx.user.delete({ where: { id: input.id } });
    await writeAudit(
      { actor: input.actor, action: "user.delete", targetType: "user", targetId: input.id, before: target },
      tx,
    );
  });
  // Deleted keys leave no updated row behind, so the key index must be rebuilt, not patched.
  invalidateKeyIndex({ full: true });
  return { deleted: true, id: input.id };
}
