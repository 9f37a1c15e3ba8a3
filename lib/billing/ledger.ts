import "server-only";
import { type AuditEntry, writeAudit } from "@/lib/audit";
import { invalidateKeyIndex } from "@/lib/auth/api-keys";
import { getDb } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import { publish } from "@/lib/events/bus";
import type { Prisma } from "@/lib/generated/prisma/client";
import { formatMoney, parseMoney } from "./money";

// Recharges and admin adjustments. Every balance change is a Transaction row carrying the balance
// after it, written in the same database transaction as the change itself.

export type WalletTarget = { userId: string } | { apiKeyId: string } | { groupId: string };

const MAX_AMOUNT = 1_000_000_000n * 1_000_000n; // one billion units

/** Parses a money amount from JSON (string or number); rejects NaN, Infinity, exponents, >6 decimals, huge values. */
export function parseAmountOrThrow(
  value: unknown,
  field: string,
  opts: { allowZero?: boolean; allowNegative?: boolean } = {},
): bigint {
  const text =
    typeof value === "number" ? (Number.isFinite(value) ? String(value) : "") : typeof value === "string" ? value : "";
  const micros = /e/i.test(text) ? null : parseMoney(text);
  if (micros === null)
    throw new AppError("validation_error", `${field}: must be an amount like 10 or 10.25 (at most 6 decimals)`, {
      param: field,
    });
  if (micros > MAX_AMOUNT || micros < -MAX_AMOUNT)
    throw new AppError("validation_error", `${field}: must be at most 1000000000`, { param: field });
  if (!opts.allowNegative && micros < 0n)
    throw new AppError("validation_error", `${field}: must not be negative`, { param: field });
  if (!opts.allowZero && micros === 0n)
    throw new AppError("validation_error", `${field}: must be greater than zero`, { param: field });
  return micros;
}

type Tx = Prisma.TransactionClient;

/** The wallet of `target` (created on first use), locked for the rest of the transaction. */
export async function lockWallet(tx: Tx, target: WalletTarget) {
  const scope = "userId" in target ? "USER" : "apiKeyId" in target ? "KEY" : "GROUP";
  const where =
    "userId" in target
      ? { userId: target.userId }
      : "apiKeyId" in target
        ? { apiKeyId: target.apiKeyId }
        : { groupId: target.groupId };
  let wallet = await tx.limit.findUnique({ where });
  if (!wallet) {
    const owner =
      "userId" in target
        ? await tx.user.findUnique({ where: { id: target.userId }, select: { id: true } })
        : "apiKeyId" in target
          ? await tx.apiKey.findUnique({ where: { id: target.apiKeyId }, select: { id: true } })
          : await tx.group.findUnique({ where: { id: target.groupId }, select: { id: true } });
    if (!owner)
      throw new AppError("not_found", `${scope === "USER" ? "User" : scope === "KEY" ? "API key" : "Group"} not found`);
    wallet = await tx.limit.create({ data: { scope, ...where } });
  }
  await tx.$queryRaw`SELECT "id" FROM "Limit" WHERE "id" = ${wallet.id} FOR UPDATE`;
  return await tx.limit.findUniqueOrThrow({ where: { id: wallet.id } });
}

export type RechargeResult = { transactionId: string; amount: string; balance: string; replayed: boolean };

/**
 * Credits a wallet. With an idempotency key, the same key always gives one credit and the same
 * answer, even when the calls arrive at once (the unique key makes all but one roll back).
 */
export async function rechargeWallet(input: {
  target: WalletTarget;
  amount: bigint;
  idempotencyKey?: string;
  note?: string;
  actor: AuditEntry["actor"];
}): Promise<RechargeResult> {
  const db = await getDb();
  if (input.idempotencyKey) {
    const previous = await replay(input.idempotencyKey);
    if (previous) return previous;
  }
  try {
    const result = await db.$transaction(async (tx) => {
      const wallet = await lockWallet(tx, input.target);
      const before = wallet.balance ?? 0n;
      const balance = before + input.amount;
      await tx.limit.update({ where: { id: wallet.id }, data: { balance } });
      const t = await tx.transaction.create({
        data: {
          limitId: wallet.id,
          kind: "RECHARGE",
          amount: input.amount,
          balanceAfter: balance,
          idempotencyKey: input.idempotencyKey ?? null,
          note: input.note ?? "",
          actorId: input.actor.userId,
        },
      });
      await writeAudit(
        {
          actor: input.actor,
          action: "wallet.recharge",
          targetType: "wallet",
          targetId: wallet.id,
          before: { balance: wallet.balance === null ? null : formatMoney(wallet.balance) },
          after: { balance: formatMoney(balance) },
        },
        tx,
      );
      return {
        transactionId: t.id,
        amount: formatMoney(input.amount),
        balance: formatMoney(balance),
        replayed: false,
        ownerUserId: wallet.userId,
      };
    });
    notifyWallet(result.ownerUserId);
    const { ownerUserId: _owner, ...answer } = result;
    void _owner;
    return answer;
  } catch (err) {
    if (input.idempotencyKey && isUniqueViolation(err)) {
      const previous = await replay(input.idempotencyKey);
      if (previous) return previous;
    }
    throw err;
  }
}

async function replay(idempotencyKey: string): Promise<RechargeResult | null> {
  const db = await getDb();
  const t = await db.transaction.findUnique({ where: { idempotencyKey } });
  return t
    ? { transactionId: t.id, amount: formatMoney(t.amount), balance: formatMoney(t.balanceAfter), replayed: true }
    : null;
}

export type WalletSettings = {
  balance?: bigint | null;
  monthlyQuota?: bigint | null;
  tokenAllowance?: bigint | null;
  grantAmount?: bigint | null;
  grantPeriodSeconds?: number | null;
  dailyRequestLimit?: number | null;
  rpm?: number | null;
  tpm?: number | null;
};

/** Sets a wallet's limits directly (the seed systems' "update tokens"); balance and token changes are ADJUSTMENT rows. */
export async function adjustWallet(input: {
  target: WalletTarget;
  set: WalletSettings;
  actor: AuditEntry["actor"];
  note?: string;
}) {
  const db = await getDb();
  const result = await db.$transaction(async (tx) => {
    const wallet = await lockWallet(tx, input.target);
    const set = input.set;
    const data: Prisma.LimitUpdateInput = { ...set };
    if (set.grantAmount && !wallet.lastGrantAt) data.lastGrantAt = new Date();
    const updated = await tx.limit.update({ where: { id: wallet.id }, data });
    if (set.balance !== undefined && set.balance !== null && set.balance !== (wallet.balance ?? 0n)) {
      await tx.transaction.create({
        data: {
          limitId: wallet.id,
          kind: "ADJUSTMENT",
          amount: set.balance - (wallet.balance ?? 0n),
          balanceAfter: set.balance,
          note: input.note ?? "set by an administrator",
          actorId: input.actor.userId,
        },
      });
    }
    if (
      set.tokenAllowance !== undefined &&
      set.tokenAllowance !== null &&
      set.tokenAllowance !== (wallet.tokenAllowance ?? 0n)
    ) {
      await tx.transaction.create({
        data: {
          limitId: wallet.id,
          kind: "ADJUSTMENT",
          unit: "TOKENS",
          amount: set.tokenAllowance - (wallet.tokenAllowance ?? 0n),
          balanceAfter: set.tokenAllowance,
          note: input.note ?? "set by an administrator",
          actorId: input.actor.userId,
        },
      });
    }
    await writeAudit(
      {
        actor: input.actor,
        action: "wallet.update",
        targetType: "wallet",
        targetId: wallet.id,
        before: limitSnapshot(wallet),
        after: limitSnapshot(updated),
      },
      tx,
    );
    return updated;
  });
  if (input.set.rpm !== undefined || input.set.tpm !== undefined) invalidateKeyIndex({ full: true });
  notifyWallet(result.userId);
  return presentLimit(result);
}

/** Tells balance streams (any instance) and budget leases that a wallet changed. */
export function notifyWallet(userId: string | null): void {
  if (userId) publish(`balance:${userId}`, { reason: "wallet" });
  // A level changed (or was created): budget leases taken before must not outlive it (lease.ts).
  publish("limits");
}

type LimitLike = Awaited<ReturnType<typeof lockWallet>>;

/** What an admin changed, for the audit log: money as decimal text like everywhere else. */
function limitSnapshot(l: LimitLike) {
  const { balance, monthlyQuota, tokenAllowance, grantAmount, grantPeriodSeconds, dailyRequestLimit, rpm, tpm } =
    presentLimit(l);
  return { balance, monthlyQuota, tokenAllowance, grantAmount, grantPeriodSeconds, dailyRequestLimit, rpm, tpm };
}

/** A limit row as our API shows it: money as decimal strings, tokens as strings (BigInt-safe). */
export function presentLimit(l: LimitLike) {
  const money = (v: bigint | null) => (v === null ? null : formatMoney(v));
  const num = (v: bigint | null) => (v === null ? null : v.toString());
  return {
    id: l.id,
    scope: l.scope,
    balance: money(l.balance),
    reserved: formatMoney(l.reserved),
    monthlyQuota: money(l.monthlyQuota),
    monthSpent: formatMoney(l.monthSpent),
    tokenAllowance: num(l.tokenAllowance),
    grantAmount: num(l.grantAmount),
    grantPeriodSeconds: l.grantPeriodSeconds,
    lastGrantAt: l.lastGrantAt,
    dailyRequestLimit: l.dailyRequestLimit,
    dayCount: l.dayCount,
    rpm: l.rpm,
    tpm: l.tpm,
  };
}
