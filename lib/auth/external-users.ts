import "server-only";
import { writeAudit } from "@/lib/audit";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { createUser, type PublicUser, publicUserSelect } from "@/lib/users/accounts";
import { invalidateKeyIndex } from "./api-keys";

// Users who sign in through another system (an SSO host application, an OpenID provider). The
// other system is trusted by the operator's configuration, so what it says about the user (name,
// group, admin) is applied on each sign-in.

export type ExternalIdentity = {
  /** `sso:<sub>` or `oidc:<sub>`: the other system's stable id for the user. */
  externalId: string;
  email: string;
  name?: string;
  /** A Tollgate group name, created when missing; undefined leaves the group as it is. */
  group?: string;
  /** undefined leaves the role as it is. */
  role?: "USER" | "ADMIN";
};

async function groupIdFor(name: string | undefined): Promise<string | null | undefined> {
  if (name === undefined) return undefined;
  const db = await getDb();
  const group = await db.group.upsert({ where: { name }, create: { name }, update: {}, select: { id: true } });
  return group.id;
}

/**
 * The Tollgate user for an external identity: found by its external id, else linked by email (the
 * caller has checked the address is verified), else created when `allowCreate`. Throws 401/403.
 */
export async function upsertExternalUser(
  identity: ExternalIdentity,
  options: { allowCreate: boolean },
): Promise<PublicUser> {
  const db = await getDb();
  const groupId = await groupIdFor(identity.group);
  let user = await db.user.findUnique({ where: { externalId: identity.externalId }, select: publicUserSelect });
  user ??= await db.user.findUnique({ where: { email: identity.email }, select: publicUserSelect });
  if (!user) {
    if (!options.allowCreate)
      throw new AppError("forbidden", "There is no Tollgate account for this address; ask an administrator for one");
    const created = await createUser({
      email: identity.email,
      name: identity.name ?? "",
      role: identity.role ?? "USER",
      groupId: groupId ?? null,
      externalId: identity.externalId,
    });
    await writeAudit({
      actor: { userId: created.id, email: created.email },
      action: "user.create",
      targetType: "user",
      targetId: created.id,
      after: { ...created, externalId: identity.externalId },
    });
    return created;
  }
  if (user.status !== "ACTIVE") throw new AppError("unauthorized", "This account is disabled");
  const data = {
    externalId: identity.externalId,
    ...(identity.name ? { name: identity.name } : {}),
    ...(groupId !== undefined ? { groupId } : {}),
    ...(identity.role ? { role: identity.role } : {}),
  };
  const updated = await db.user.update({ where: { id: user.id }, data, select: publicUserSelect });
  if (updated.groupId !== user.groupId || updated.role !== user.role) invalidateKeyIndex();
  return updated;
}
