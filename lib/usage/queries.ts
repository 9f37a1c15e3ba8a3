import "server-only";
import { formatMoney } from "@/lib/billing/money";
import { now, startOfUtcDay } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import type { UsageGroupBy } from "@/lib/validations/admin";

// Usage analytics, read only from the pre-aggregated UsageDaily rows (one per day, user, key and
// model, updated as requests settle) — never by scanning requests, so a 90-day range stays fast.

const DAY_MS = 86_400_000;
const MAX_DAYS = 3_660;

export type UsageRange = { from: Date; to: Date };

/** Whole UTC days, both ends included; the last 30 days by default. */
export function usageRangeOrThrow(input: { from?: Date; to?: Date }): UsageRange {
  const to = startOfUtcDay(input.to ?? now());
  const from = startOfUtcDay(input.from ?? new Date(to.getTime() - 29 * DAY_MS));
  if (from > to) throw new AppError("validation_error", "to: must not be before from", { param: "to" });
  if ((to.getTime() - from.getTime()) / DAY_MS >= MAX_DAYS)
    throw new AppError("validation_error", `from: a range may span at most ${MAX_DAYS} days`, { param: "from" });
  return { from, to };
}

const keyExpression: Record<UsageGroupBy, Prisma.Sql> = {
  day: Prisma.sql`to_char("day", 'YYYY-MM-DD')`,
  month: Prisma.sql`to_char("day", 'YYYY-MM')`,
  user: Prisma.sql`"userId"`,
  group: Prisma.sql`"groupId"`,
  model: Prisma.sql`"model"`,
  key: Prisma.sql`"apiKeyId"`,
};

type SumRow = { key: string; requests: unknown; promptTokens: unknown; completionTokens: unknown; cost: unknown };

const big = (v: unknown) => BigInt(String(v ?? 0));

function averageCost(cost: bigint, requests: bigint): string {
  return formatMoney(requests === 0n ? 0n : (cost * 2n + requests) / (requests * 2n));
}

function presentSums(s: { requests: bigint; promptTokens: bigint; completionTokens: bigint; cost: bigint }) {
  return {
    requests: Number(s.requests),
    promptTokens: Number(s.promptTokens),
    completionTokens: Number(s.completionTokens),
    cost: formatMoney(s.cost),
    avgCostPerRequest: averageCost(s.cost, s.requests),
  };
}

async function labelsFor(groupBy: UsageGroupBy, keys: string[]): Promise<Map<string, string>> {
  const db = await getDb();
  const ids = keys.filter(Boolean);
  const labels = new Map<string, string>();
  if (groupBy === "user") {
    for (const u of await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } }))
      labels.set(u.id, u.email);
  } else if (groupBy === "group") {
    for (const g of await db.group.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }))
      labels.set(g.id, g.name);
    labels.set("", "(no group)");
  } else if (groupBy === "key") {
    for (const k of await db.apiKey.findMany({
      where: { id: { in: ids } },
      select: { id: true, name: true, prefix: true },
    }))
      labels.set(k.id, `${k.name} (${k.prefix}…)`);
    labels.set("", "(chat, no key)");
  }
  return labels;
}

export async function usageReport(input: UsageRange & { groupBy: UsageGroupBy }) {
  const db = await getDb();
  const timeSeries = input.groupBy === "day" || input.groupBy === "month";
  const rows = await db.$queryRaw<SumRow[]>`
    SELECT ${keyExpression[input.groupBy]} AS "key",
           SUM("requests")::bigint AS "requests",
           SUM("promptTokens")::bigint AS "promptTokens",
           SUM("completionTokens")::bigint AS "completionTokens",
           SUM("cost")::bigint AS "cost"
    FROM "UsageDaily"
    WHERE "day" >= ${input.from}::date AND "day" <= ${input.to}::date
    GROUP BY 1
    ORDER BY ${timeSeries ? Prisma.sql`1 ASC` : Prisma.sql`5 DESC, 1 ASC`}`;
  const labels = await labelsFor(
    input.groupBy,
    rows.map((r) => r.key),
  );
  const totals = { requests: 0n, promptTokens: 0n, completionTokens: 0n, cost: 0n };
  const items = rows.map((r) => {
    const sums = {
      requests: big(r.requests),
      promptTokens: big(r.promptTokens),
      completionTokens: big(r.completionTokens),
      cost: big(r.cost),
    };
    totals.requests += sums.requests;
    totals.promptTokens += sums.promptTokens;
    totals.completionTokens += sums.completionTokens;
    totals.cost += sums.cost;
    return { key: r.key, label: labels.get(r.key) ?? (r.key || "(none)"), ...presentSums(sums) };
  });
  return {
    from: input.from.toISOString().slice(0, 10),
    to: input.to.toISOString().slice(0, 10),
    group_by: input.groupBy,
    rows: items,
    totals: presentSums(totals),
  };
}

export type UsageReport = Awaited<ReturnType<typeof usageReport>>;
