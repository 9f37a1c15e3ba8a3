import "server-only";
import type { z } from "zod";
import { type AuditEntry, writeAudit } from "@/lib/audit";
import { invalidateKeyIndex } from "@/lib/auth/api-keys";
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
import { userImportColumns, userImportRowSchema } from "@/lib/validations/import";
import { defaultUserLimitData } from "./accounts";

// People from the systems Tollgate replaces: each row creates an account (without a password: they
// set one through "forgot password" or sign in another way) or updates its name, group and limits.
// A group named in a row is created when missing. A balance is credited only to a new account (a
// RECHARGE in the ledger); an existing account's balance changes through recharges, never here.
// The answer lists what changes per row; a dry run gives the same answer and writes nothing.

type Actor = AuditEntry["actor"];
type Row = z.infer<typeof userImportRowSchema>;
type Change = { from: string | number | null; to: string | number | null };

export type UserImportResult = {
  dry_run: boolean;
  created: number;
  updated: number;
  unchanged: number;
  groups_created: string[];
  rows: Array<{
    row: number;
    email: string;
    action: "create" | "update" | "unchanged";
    changes: Record<string, Change>;
    note?: string;
  }>;
};

type Parsed = { row: number; value: Row; balance: bigint | null; monthlyQuota: bigint | null };

function parseMoney(row: number, value: Row, errors: RowError[]): Parsed {
  const one = (v: Row["balance"], field: string) => {
    if (v === undefined) return null;
    try {
      return parseAmountOrThrow(v, field, { allowZero: true });
    } catch (err) {
      errors.push({ row, field, message: err instanceof AppError ? err.message : `${field} is not an amount` });
      return null;
    }
  };
  return { row, value, balance: one(value.balance, "balance"), monthlyQuota: one(value.month_quota, "month_quota") };
}

const show = (v: bigint | null | undefined) => (v == null ? null : formatMoney(v));
const fmt = (x: bigint | number | null) => (typeof x === "bigint" ? show(x) : x);
const limitFields = ["month_quota", "daily_request_limit", "rpm", "tpm"] as const;

export async function importUsers(input: ImportInput & { dryRun?: boolean; actor: Actor }): Promise<UserImportResult> {
  const { rows, errors } = validateRows(input, userImportRowSchema, userImportColumns);
  const seen = new Map<string, number>();
  const planned = rows.map(({ row, value }) => {
    const twin = seen.get(value.email);
    if (twin !== undefined) errors.push({ row, field: "email", message: `email is the same as on row ${twin}` });
    seen.set(value.email, row);
    return parseMoney(row, value, errors);
  });
  assertNoRowErrors(errors);
  const defaults = await defaultUserLimitData();
  const dryRun = input.dryRun ?? false;
  const result = await importInOneTransaction({ dryRun, clash: "user or group" }, async (tx) => {
    const out: UserImportResult = {
      dry_run: dryRun,
      created: 0,
      updated: 0,
      unchanged: 0,
      groups_created: [],
      rows: [],
    };
    const groupIds = new Map<string, string>();
    const groupIdOf = async (name: string) => {
      let id = groupIds.get(name) ?? (await tx.group.findUnique({ where: { name }, select: { id: true } }))?.id;
      if (!id) {
        id = (await tx.group.create({ data: { name }, select: { id: true } })).id;
        await writeAudit(
          {
            actor: input.actor,
            action: "group.create",
            targetType: "group",
            targetId: id,
            after: { name, via: "import" },
          },
          tx,
        );
        out.groups_created.push(name);
      }
      groupIds.set(name, id);
      return id;
    };
    for (const p of planned) {
      const v = p.value;
      const wanted = {
        month_quota: p.monthlyQuota,
        daily_request_limit: v.daily_request_limit ?? null,
        rpm: v.rpm ?? null,
        tpm: v.tpm ?? null,
      };
      const limitData = {
        ...(v.month_quota !== undefined ? { monthlyQuota: p.monthlyQuota } : {}),
        ...(v.daily_request_limit !== undefined ? { dailyRequestLimit: v.daily_request_limit } : {}),
        ...(v.rpm !== undefined ? { rpm: v.rpm } : {}),
        ...(v.tpm !== undefined ? { tpm: v.tpm } : {}),
      };
      const groupId = v.group ? await groupIdOf(v.group) : undefined;
      const user = await tx.user.findUnique({
        where: { email: v.email },
        select: {
          id: true,
          name: true,
          group: { select: { id: true, name: true } },
          limit: { select: { monthlyQuota: true, dailyRequestLimit: true, rpm: true, tpm: true } },
        },
      });
      if (!user) {
        const changes: Record<string, Change> = { email: { from: null, to: v.email } };
        if (v.name) changes.name = { from: null, to: v.name };
        if (v.group) changes.group = { from: null, to: v.group };
        for (const field of limitFields)
          if (v[field] !== undefined) changes[field] = { from: null, to: fmt(wanted[field]) };
        if (p.balance !== null) changes.balance = { from: null, to: show(p.balance) };
        const created = await tx.user.create({
          data: {
            email: v.email,
            name: v.name ?? "",
            groupId: groupId ?? null,
            limit: { create: { ...defaults, ...limitData, ...(p.balance !== null ? { balance: p.balance } : {}) } },
          },
          select: { id: true, limit: { select: { id: true } } },
        });
        if (p.balance && created.limit) {
          await tx.transaction.create({
            data: {
              limitId: created.limit.id,
              kind: "RECHARGE",
              amount: p.balance,
              balanceAfter: p.balance,
              idempotencyKey: `import-user:${created.id}`,
              note: "imported balance",
              actorId: input.actor.userId,
            },
          });
        }
        await writeAudit(
          { actor: input.actor, action: "user.import", targetType: "user", targetId: created.id, after: changes },
          tx,
        );
        out.created++;
        out.rows.push({ row: p.row, email: v.email, action: "create", changes });
        continue;
      }
      const changes: Record<string, Change> = {};
      if (v.name !== undefined && v.name !== user.name) changes.name = { from: user.name, to: v.name };
      if (v.group !== undefined && v.group !== user.group?.name)
        changes.group = { from: user.group?.name ?? null, to: v.group };
      const current = {
        month_quota: user.limit?.monthlyQuota ?? null,
        daily_request_limit: user.limit?.dailyRequestLimit ?? null,
        rpm: user.limit?.rpm ?? null,
        tpm: user.limit?.tpm ?? null,
      };
      for (const field of limitFields) {
        if (v[field] !== undefined && current[field] !== wanted[field])
          changes[field] = { from: fmt(current[field]), to: fmt(wanted[field]) };
      }
      const note =
        p.balance !== null ? "balance kept: an existing account's balance changes only through a recharge" : undefined;
      if (Object.keys(changes).length === 0) {
        out.unchanged++;
        out.rows.push({ row: p.row, email: v.email, action: "unchanged", changes, ...(note ? { note } : {}) });
        continue;
      }
      if (changes.name || changes.group)
        await tx.user.update({ where: { id: user.id }, data: { name: v.name, groupId } });
      if (Object.keys(limitData).length) {
        await tx.limit.upsert({
          where: { userId: user.id },
          create: { ...defaults, ...limitData, userId: user.id },
          update: limitData,
        });
      }
      await writeAudit(
        {
          actor: input.actor,
          action: "user.import",
          targetType: "user",
          targetId: user.id,
          before: Object.fromEntries(Object.entries(changes).map(([k, c]) => [k, c.from])),
          after: Object.fromEntries(Object.entries(changes).map(([k, c]) => [k, c.to])),
        },
        tx,
      );
      out.updated++;
      out.rows.push({ row: p.row, email: v.email, action: "update", changes, ...(note ? { note } : {}) });
    }
    return out;
  });
  // Group and rate changes reach the key index (it carries each owner's group and rpm/tpm).
  if (result.updated) invalidateKeyIndex({ full: true });
  return result;
}
