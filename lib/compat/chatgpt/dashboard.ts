import "server-only";
import type { z } from "zod";
import type { AuditEntry } from "@/lib/audit";
import type { Caller } from "@/lib/auth/caller";
import { formatMoney } from "@/lib/billing/money";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { usageRangeOrThrow, usageReport } from "@/lib/usage/queries";
import { summarizeUsage } from "@/lib/usage/summary";
import { getUserDetailOrThrow, listUsers, updateUserAsAdmin } from "@/lib/users/admin";
import type { chatgptResumeSchema, chatgptTokensSchema, chatgptTransactionsQuery } from "./schemas";

// The ChatGPT-style app's dashboard over lib/usage, lib/users and the ledger (administrators).

const date = (s: string | undefined) => (s ? new Date(s) : undefined);

export async function overallUsage(input: { date_from?: string; date_to?: string }) {
  const range = usageRangeOrThrow({ from: date(input.date_from), to: date(input.date_to) });
  const [day, month, company, user] = await Promise.all(
    (["day", "month", "group", "user"] as const).map((groupBy) => usageReport({ ...range, groupBy })),
  );
  return { from: range.from, to: range.to, day, month, company, user };
}

export async function overallResume(input: {
  fields: z.infer<typeof chatgptResumeSchema>;
  caller: Caller;
  requestId: string;
  signal: AbortSignal;
}) {
  const model = input.fields.model ?? config().DEFAULT_MODEL;
  if (!model)
    throw new AppError("validation_error", "model: is required (or set OPENAI_MODEL on the server)", {
      param: "model",
    });
  return summarizeUsage({
    from: date(input.fields.date_from),
    to: date(input.fields.date_to),
    model,
    caller: input.caller,
    requestId: input.requestId,
    signal: input.signal,
  });
}

export async function transactions(input: z.infer<typeof chatgptTransactionsQuery>) {
  const db = await getDb();
  const where = {
    createdAt: {
      ...(input.date_from ? { gte: new Date(input.date_from) } : {}),
      ...(input.date_to ? { lte: new Date(input.date_to) } : {}),
    },
  };
  const [total, rows, byKind] = await Promise.all([
    db.transaction.count({ where }),
    db.transaction.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: input.limit,
      skip: input.start,
      select: {
        id: true,
        kind: true,
        amount: true,
        balanceAfter: true,
        note: true,
        createdAt: true,
        limit: { select: { scope: true, userId: true, groupId: true, apiKeyId: true } },
      },
    }),
    db.transaction.groupBy({ by: ["kind"], where, _sum: { amount: true }, _count: { _all: true } }),
  ]);
  return {
    total,
    transactions: rows.map((t) => ({ ...t, amount: formatMoney(t.amount), balanceAfter: formatMoney(t.balanceAfter) })),
    stats: Object.fromEntries(
      byKind.map((k) => [k.kind, { count: k._count._all, amount: formatMoney(k._sum.amount ?? 0n) }]),
    ),
  };
}

export async function users(input: { limit: number; start: number }) {
  const { total, items } = await listUsers({ limit: input.limit, offset: input.start });
  return { total, users: items };
}

export const userDetail = getUserDetailOrThrow;

export async function setUserTokens(input: {
  id: string;
  fields: z.infer<typeof chatgptTokensSchema>;
  actor: AuditEntry["actor"];
}) {
  const { token_balance, token_grant } = input.fields;
  if (token_balance === undefined && token_grant === undefined)
    throw new AppError("validation_error", "token_balance: give token_balance or token_grant", {
      param: "token_balance",
    });
  await updateUserAsAdmin({
    fields: { id: input.id, token_allowance: token_balance, grant_amount: token_grant },
    actor: input.actor,
  });
  return userDetail(input.id);
}
