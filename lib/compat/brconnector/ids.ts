import "server-only";
import { randomBytes } from "node:crypto";
import type { AuditEntry } from "@/lib/audit";
import { getDb } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import { createGroup } from "@/lib/groups/admin";

// BRConnector numbers its keys and groups; Tollgate gives every key a number too (ApiKey.seq) and
// reads a numeric group_id as the group of that name.

const isNumber = (ref: string | number): ref is number => typeof ref === "number" || /^\d{1,10}$/.test(ref);

/** Tollgate's id of the key BRConnector calls `ref` (its number, or the id itself). Throws 404. */
export async function keyIdOrThrow(ref: string | number): Promise<string> {
  const db = await getDb();
  const key = isNumber(ref)
    ? await db.apiKey.findUnique({ where: { seq: Number(ref) }, select: { id: true } })
    : await db.apiKey.findUnique({ where: { id: ref }, select: { id: true } });
  if (!key) throw new AppError("not_found", "API key not found");
  return key.id;
}

/** A `?key_id=` filter: unknown numbers match nothing (an id that exists nowhere). */
export async function keyFilter(ref: string | undefined): Promise<string | undefined> {
  if (ref === undefined) return undefined;
  return keyIdOrThrow(ref).catch(() => `missing:${ref}`);
}

/** The group for BRConnector's `group_id`: a number is the group of that name, created on first use. */
export async function groupIdFor(
  ref: string | number | null | undefined,
  actor: AuditEntry["actor"],
): Promise<string | null | undefined> {
  if (ref === null || ref === undefined || !isNumber(ref)) return ref;
  const name = String(ref);
  const db = await getDb();
  const found = await db.group.findFirst({ where: { name }, select: { id: true } });
  if (found) return found.id;
  try {
    return (await createGroup({ fields: { name, description: "BRConnector group_id" }, actor })).id;
  } catch (err) {
    if (!isUniqueViolation(err) && !(err instanceof AppError && err.code === "conflict")) throw err;
    return (await db.group.findFirstOrThrow({ where: { name }, select: { id: true } })).id;
  }
}

/** A BRConnector key may have no owner (`"email": ""`): Tollgate gives it an account of its own, without a password. */
export function ownerlessEmail(name: string): string {
  const slug =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40) || "key";
  return `${slug}-${randomBytes(4).toString("hex")}@keys.brconnector.local`;
}
