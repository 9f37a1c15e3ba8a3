import "server-only";
import type { z } from "zod";
import { type AuditEntry, writeAudit } from "@/lib/audit";
import { hashApiKey, invalidateKeyIndex } from "@/lib/auth/api-keys";
import { parseAmountOrThrow } from "@/lib/billing/ledger";
import { formatMoney } from "@/lib/billing/money";
import { AppError } from "@/lib/errors";
import {
  assertNoRowErrors,
  type ImportInput,
  importInOneTransaction,
  type RowError,
  validateRows,
} from "@/lib/import/rows";
import { defaultUserLimitData } from "@/lib/users/accounts";
import { keyImportColumns, keyImportRowSchema } from "@/lib/validations/import";

// Keys from the systems Tollgate replaces (BRConnector's br_…, or any prefix), brought over with
// their owner, monthly quota and balance. Only the SHA-256 hash is stored, as for Tollgate's own
// keys, so an imported key authenticates like a native one. A key already stored (same hash) is
// left as it is: importing a file twice changes nothing, and a balance is credited once, by a
// RECHARGE whose idempotency key is the key's hash. All rows commit together or none does.

type Actor = AuditEntry["actor"];
type Row = z.infer<typeof keyImportRowSchema>;

export type KeyImportResult = {
  dry_run: boolean;
  created: number;
  unchanged: number;
  users_created: number;
  rows: Array<{
    row: number;
    prefix: string;
    email: string;
    action: "create" | "unchanged";
    created_user: boolean;
    balance: string | null;
    month_quota: string | null;
  }>;
};

const money = (v: Row["balance"], field: string, row: number, errors: RowError[]): bigint | null => {
  if (v === undefined) return null;
  try {
    return parseAmountOrThrow(v, field, { allowZero: true });
  } catch (err) {
    errors.push({ row, field, message: err instanceof AppError ? err.message : `${field} is not an amount` });
    return null;
  }
};

export async function importApiKeys(input: ImportInput & { dryRun?: boolean; actor: Actor }): Promise<KeyImportResult> {
  const { rows, errors } = validateRows(input, keyImportRowSchema, keyImportColumns);
  const seen = new Map<string, number>();
  const planned = rows.map(({ row, value }) => {
    const hash = hashApiKey(value.key);
    const twin = seen.get(hash);
    if (twin !== undefined) errors.push({ row, field: "key", message: `key is the same as on row ${twin}` });
    seen.set(hash, row);
    return {
      row,
      value,
      hash,
      balance: money(value.balance, "balance", row, errors),
      monthlyQuota: money(value.month_quota, "month_quota", row, errors),
    };
  });
  assertNoRowErrors(errors);
  const defaults = await defaultUserLimitData();
  const dryRun = input.dryRun ?? false;
  const result = await importInOneTransaction({ dryRun, clash: "key or user" }, async (tx) => {
    const out: KeyImportResult = { dry_run: dryRun, created: 0, unchanged: 0, users_created: 0, rows: [] };
    const conflicts: RowError[] = [];
    for (const p of planned) {
      const prefix = p.value.key.slice(0, 10);
      const report = {
        row: p.row,
        prefix,
        email: p.value.email,
        created_user: false,
        balance: p.balance === null ? null : formatMoney(p.balance),
        month_quota: p.monthlyQuota === null ? null : formatMoney(p.monthlyQuota),
      };
      const existing = await tx.apiKey.findUnique({
        where: { hash: p.hash },
        select: { id: true, user: { select: { email: true } } },
      });
      if (existing) {
        if (existing.user.email !== p.value.email)
          conflicts.push({
            row: p.row,
            field: "key",
            message: `key is already imported for another user (${existing.user.email})`,
          });
        out.unchanged++;
        out.rows.push({ ...report, action: "unchanged" });
        continue;
      }
      let user = await tx.user.findUnique({ where: { email: p.value.email }, select: { id: true } });
      if (!user) {
        user = await tx.user.create({
          data: { email: p.value.email, name: p.value.name ?? "", limit: { create: defaults } },
          select: { id: true },
        });
        await writeAudit(
          {
            actor: input.actor,
            action: "user.create",
            targetType: "user",
            targetId: user.id,
            after: { email: p.value.email, via: "import" },
          },
          tx,
        );
        report.created_user = true;
        out.users_created++;
      }
      const hasWallet = p.balance !== null || p.monthlyQuota !== null;
      const key = await tx.apiKey.create({
        data: {
          userId: user.id,
          name: p.value.name ?? `imported ${prefix}`,
          prefix,
          hash: p.hash,
          limit: hasWallet ? { create: { scope: "KEY", balance: p.balance, monthlyQuota: p.monthlyQuota } } : undefined,
        },
        select: { id: true, limit: { select: { id: true } } },
      });
      if (p.balance && key.limit) {
        await tx.transaction.create({
          data: {
            limitId: key.limit.id,
            kind: "RECHARGE",
            amount: p.balance,
            balanceAfter: p.balance,
            idempotencyKey: `import:${p.hash}`,
            note: "imported balance",
            actorId: input.actor.userId,
          },
        });
      }
      await writeAudit(
        { actor: input.actor, action: "api_key.import", targetType: "api_key", targetId: key.id, after: report },
        tx,
      );
      out.created++;
      out.rows.push({ ...report, action: "create" });
    }
    assertNoRowErrors(conflicts);
    // A dry run computes the same answer, then rolls everything back.
    return out;
  });
  if (result.created) invalidateKeyIndex();
  return result;
}
