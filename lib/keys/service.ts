import "server-only";
import { generateApiKey, invalidateKeyIndex } from "@/lib/auth/api-keys";
import { now } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { isNotFound } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";

// API keys: created with their own (optional) limits, shown once, revoked or edited later.

export const keyPublicSelect = {
  id: true,
  name: true,
  prefix: true,
  role: true,
  allowedModels: true,
  expiresAt: true,
  revokedAt: true,
  lastUsedAt: true,
  createdAt: true,
  userId: true,
} as const;

export type KeyLimits = {
  balance?: bigint | null;
  monthlyQuota?: bigint | null;
  tokenAllowance?: bigint | null;
  grantAmount?: bigint | null;
  grantPeriodSeconds?: number | null;
  dailyRequestLimit?: number | null;
  rpm?: number | null;
  tpm?: number | null;
};

export async function createApiKey(input: {
  userId: string;
  name: string;
  role?: "USER" | "ADMIN";
  expiresAt?: Date | null;
  allowedModels?: string[];
  limits?: KeyLimits;
  tx?: Prisma.TransactionClient;
}) {
  const db = input.tx ?? (await getDb());
  const owner = await db.user.findUnique({ where: { id: input.userId }, select: { role: true } });
  if (!owner) throw new AppError("not_found", "User not found");
  if (input.role === "ADMIN" && owner.role !== "ADMIN")
    throw new AppError("forbidden", "Only an administrator can own an admin key");
  if (input.expiresAt && input.expiresAt <= now())
    throw new AppError("validation_error", "expiresAt: must be in the future", { param: "expiresAt" });
  const { key, hash, prefix } = generateApiKey();
  const limits = input.limits ?? {};
  const hasLimits = Object.values(limits).some((v) => v !== undefined && v !== null);
  const record = await db.apiKey.create({
    data: {
      userId: input.userId,
      name: input.name,
      prefix,
      hash,
      role: input.role ?? "USER",
      expiresAt: input.expiresAt ?? null,
      allowedModels: input.allowedModels ?? [],
      limit: hasLimits
        ? { create: { scope: "KEY", ...limits, lastGrantAt: limits.grantAmount ? now() : null } }
        : undefined,
    },
    select: keyPublicSelect,
  });
  if (!input.tx) invalidateKeyIndex();
  return { key, record };
}

export async function revokeApiKey(id: string, ownerId?: string) {
  const db = await getDb();
  const found = await db.apiKey.findFirst({
    where: { id, ...(ownerId ? { userId: ownerId } : {}) },
    select: { id: true, revokedAt: true },
  });
  if (!found) throw new AppError("not_found", "API key not found");
  const record = await db.apiKey.update({
    where: { id },
    data: { revokedAt: found.revokedAt ?? now() },
    select: keyPublicSelect,
  });
  invalidateKeyIndex();
  return record;
}

export async function updateApiKey(
  id: string,
  data: { name?: string; expiresAt?: Date | null; allowedModels?: string[]; role?: "USER" | "ADMIN" },
) {
  const db = await getDb();
  try {
    const record = await db.apiKey.update({ where: { id }, data, select: keyPublicSelect });
    invalidateKeyIndex();
    return record;
  } catch (err) {
    if (isNotFound(err)) throw new AppError("not_found", "API key not found");
    throw err;
  }
}

export async function listKeysForUser(userId: string) {
  const db = await getDb();
  return db.apiKey.findMany({ where: { userId }, select: keyPublicSelect, orderBy: { createdAt: "desc" } });
}
