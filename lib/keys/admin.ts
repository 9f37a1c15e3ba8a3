import "server-only";
import type { z } from "zod";
import { walletSettingsFrom } from "@/lib/admin/wallet";
import { type AuditEntry, writeAudit } from "@/lib/audit";
import { hashApiKey, invalidateKeyIndex } from "@/lib/auth/api-keys";
import { adjustWallet, parseAmountOrThrow, presentLimit, rechargeWallet } from "@/lib/billing/ledger";
import { now } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { apiKeyMail, sendMail } from "@/lib/mail/send";
import { defaultUserLimitData, publicUserSelect } from "@/lib/users/accounts";
import type { apiKeyApplySchema, apiKeyUpdateSchema, Pagination } from "@/lib/validations/admin";
import { createApiKey, keyPublicSelect, revokeApiKey, updateApiKey } from "./service";

// API keys as administrators manage them: issue one (creating its user when needed), change it,
// top it up, revoke it, list them. The plaintext key exists only in the answer to `applyApiKey`.

type Actor = AuditEntry["actor"];

const keyViewSelect = {
  ...keyPublicSelect,
  user: { select: { id: true, email: true, name: true, role: true } },
  limit: true,
} satisfies Prisma.ApiKeySelect;

type KeyView = Prisma.ApiKeyGetPayload<{ select: typeof keyViewSelect }>;

function presentKey(k: KeyView) {
  return { ...k, limit: k.limit ? presentLimit(k.limit) : null };
}

export async function getApiKeyViewOrThrow(id: string) {
  const db = await getDb();
  const key = await db.apiKey.findUnique({ where: { id }, select: keyViewSelect });
  if (!key) throw new AppError("not_found", "API key not found");
  return presentKey(key);
}

async function assertModelsExist(models: string[] | undefined): Promise<void> {
  if (!models?.length) return;
  const db = await getDb();
  const found = new Set(
    (await db.model.findMany({ where: { publicId: { in: models } }, select: { publicId: true } })).map(
      (m) => m.publicId,
    ),
  );
  const missing = models.find((m) => !found.has(m));
  if (missing) throw new AppError("validation_error", `models: there is no model '${missing}'`, { param: "models" });
}

async function assertGroupExists(groupId: string | null | undefined): Promise<void> {
  if (!groupId) return;
  const db = await getDb();
  if (!(await db.group.findUnique({ where: { id: groupId }, select: { id: true } }))) {
    throw new AppError("validation_error", "group_id: there is no such group", { param: "group_id" });
  }
}

function futureOrThrow(expiry: Date | null | undefined): void {
  if (expiry && expiry <= now())
    throw new AppError("validation_error", "expiry: must be in the future", { param: "expiry" });
}

/**
 * Issues a key to the user with this email, creating the user (without a password) when the email
 * is new. The key's own wallet gets the balance and monthly quota; an initial balance is a
 * RECHARGE in the ledger like any top-up. User, key, wallet and ledger row commit together.
 */
export async function applyApiKey(input: { fields: z.infer<typeof apiKeyApplySchema>; actor: Actor; baseUrl: string }) {
  const f = input.fields;
  const balance = f.balance == null ? null : parseAmountOrThrow(f.balance, "balance", { allowZero: true });
  const monthlyQuota =
    f.month_quota == null ? null : parseAmountOrThrow(f.month_quota, "month_quota", { allowZero: true });
  futureOrThrow(f.expiry);
  await assertModelsExist(f.models);
  await assertGroupExists(f.group_id);
  const defaults = await defaultUserLimitData();
  const db = await getDb();
  let created;
  try {
    created = await db.$transaction(async (tx) => {
      let user = await tx.user.findUnique({ where: { email: f.email }, select: publicUserSelect });
      const isNewUser = !user;
      if (!user) {
        user = await tx.user.create({
          data: {
            email: f.email,
            name: f.name,
            role: f.role ?? "USER",
            groupId: f.group_id ?? null,
            limit: { create: defaults },
          },
          select: publicUserSelect,
        });
        await writeAudit(
          { actor: input.actor, action: "user.create", targetType: "user", targetId: user.id, after: user },
          tx,
        );
      }
      if (f.role === "ADMIN" && user.role !== "ADMIN") {
        throw new AppError(
          "validation_error",
          `role: ${user.email} is not an administrator; make them one before giving them an admin key`,
          { param: "role" },
        );
      }
      const { key, record } = await createApiKey({
        userId: user.id,
        name: f.name,
        role: f.role,
        expiresAt: f.expiry ?? null,
        allowedModels: f.models,
        limits: { balance, monthlyQuota },
        tx,
      });
      if (balance) {
        const wallet = await tx.limit.findUniqueOrThrow({ where: { apiKeyId: record.id }, select: { id: true } });
        await tx.transaction.create({
          data: {
            limitId: wallet.id,
            kind: "RECHARGE",
            amount: balance,
            balanceAfter: balance,
            note: "initial balance",
            actorId: input.actor.userId,
          },
        });
      }
      await writeAudit(
        {
          actor: input.actor,
          action: "api_key.create",
          targetType: "api_key",
          targetId: record.id,
          after: { ...record, balance, monthlyQuota },
        },
        tx,
      );
      return { key, keyId: record.id, user, isNewUser };
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError("conflict", "Another request created this user at the same moment; try again", {
        param: "email",
      });
    throw err;
  }
  invalidateKeyIndex();
  const mail = await sendMail(apiKeyMail(created.user.email, created.key, f.name, input.baseUrl));
  return {
    key: created.key,
    api_key: await getApiKeyViewOrThrow(created.keyId),
    user: created.user,
    created_user: created.isNewUser,
    mail,
  };
}

/** Changes a key's name, expiry, allowed models or role, and its own limits. */
export async function updateApiKeyAsAdmin(input: { fields: z.infer<typeof apiKeyUpdateSchema>; actor: Actor }) {
  const { id, name, expiry, models, role, ...limits } = input.fields;
  const before = await getApiKeyViewOrThrow(id);
  const set = walletSettingsFrom(limits);
  futureOrThrow(expiry);
  await assertModelsExist(models);
  if (role === "ADMIN" && before.user.role !== "ADMIN") {
    throw new AppError("validation_error", `role: ${before.user.email} is not an administrator`, { param: "role" });
  }
  const data = { name, expiresAt: expiry, allowedModels: models, role };
  if (Object.values(data).some((v) => v !== undefined)) {
    const after = await updateApiKey(id, data);
    await writeAudit({
      actor: input.actor,
      action: "api_key.update",
      targetType: "api_key",
      targetId: id,
      before: {
        name: before.name,
        expiresAt: before.expiresAt,
        allowedModels: before.allowedModels,
        role: before.role,
      },
      after: { name: after.name, expiresAt: after.expiresAt, allowedModels: after.allowedModels, role: after.role },
    });
  }
  if (set) await adjustWallet({ target: { apiKeyId: id }, set, actor: input.actor });
  return getApiKeyViewOrThrow(id);
}

async function keyIdFromOrThrow(ref: { apiKey?: string; id?: string }): Promise<string> {
  const db = await getDb();
  const key = ref.apiKey
    ? await db.apiKey.findUnique({ where: { hash: hashApiKey(ref.apiKey) }, select: { id: true } })
    : await db.apiKey.findUnique({ where: { id: ref.id ?? "" }, select: { id: true } });
  if (!key) throw new AppError("not_found", "API key not found");
  return key.id;
}

/** Tops up a key's own wallet. The idempotency key is scoped to the key, so two keys never share one. */
export async function rechargeApiKey(input: {
  ref: { apiKey?: string; id?: string };
  amount: unknown;
  idempotencyKey?: string;
  note?: string;
  actor: Actor;
}) {
  const amount = parseAmountOrThrow(input.amount, "amount");
  const keyId = await keyIdFromOrThrow(input.ref);
  const result = await rechargeWallet({
    target: { apiKeyId: keyId },
    amount,
    idempotencyKey: input.idempotencyKey ? `api-key:${keyId}:${input.idempotencyKey}` : undefined,
    note: input.note ?? "recharge",
    actor: input.actor,
  });
  return { api_key_id: keyId, ...result };
}

export async function revokeApiKeyAsAdmin(input: { id: string; actor: Actor }) {
  const db = await getDb();
  const before = await db.apiKey.findUnique({ where: { id: input.id }, select: keyPublicSelect });
  if (!before) throw new AppError("not_found", "API key not found");
  const after = await revokeApiKey(input.id);
  await writeAudit({
    actor: input.actor,
    action: "api_key.revoke",
    targetType: "api_key",
    targetId: input.id,
    before: { revokedAt: before.revokedAt },
    after: { revokedAt: after.revokedAt },
  });
  return getApiKeyViewOrThrow(input.id);
}

/** Keys newest first; `q` matches the key's name or prefix or its owner's email. Never a hash. */
export async function listApiKeys(input: Pagination & { userId?: string }) {
  const db = await getDb();
  const where: Prisma.ApiKeyWhereInput = {
    ...(input.userId ? { userId: input.userId } : {}),
    ...(input.q
      ? {
          OR: [
            { name: { contains: input.q, mode: "insensitive" } },
            { prefix: { startsWith: input.q } },
            { user: { email: { contains: input.q, mode: "insensitive" } } },
          ],
        }
      : {}),
  };
  const [total, rows] = await Promise.all([
    db.apiKey.count({ where }),
    db.apiKey.findMany({
      where,
      select: keyViewSelect,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: input.limit,
      skip: input.offset,
    }),
  ]);
  return { total, items: rows.map(presentKey) };
}
