import "server-only";
import { formatMoney } from "@/lib/billing/money";
import { now, startOfUtcDay } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";

// A user's own usage by day and model (all their keys and the chat page together), from the daily rollup.

const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 30;
const MAX_DAYS = 366;

export type UsageRow = {
  day: string;
  model: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  cost: string;
};

function dayString(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function rangeOrThrow(query: { from?: string; to?: string }): { from: Date; to: Date } {
  const to = query.to ? new Date(`${query.to}T00:00:00Z`) : startOfUtcDay(now());
  const from = query.from ? new Date(`${query.from}T00:00:00Z`) : new Date(to.getTime() - (DEFAULT_DAYS - 1) * DAY_MS);
  if (from > to) throw new AppError("validation_error", "from: must not be after to", { param: "from" });
  if ((to.getTime() - from.getTime()) / DAY_MS >= MAX_DAYS)
    throw new AppError("validation_error", `from: the range must be at most ${MAX_DAYS} days`, { param: "from" });
  return { from, to };
}

/** The answer of GET /api/user/usage, as the settings page reads it. */
export type UserUsage = Awaited<ReturnType<typeof usageForUser>>;

export async function usageForUser(userId: string, query: { from?: string; to?: string }) {
  const { from, to } = rangeOrThrow(query);
  const db = await getDb();
  const rows = await db.usageDaily.groupBy({
    by: ["day", "model"],
    where: { userId, day: { gte: from, lte: to } },
    _sum: { requests: true, promptTokens: true, completionTokens: true, cost: true },
    orderBy: [{ day: "asc" }, { model: "asc" }],
  });
  const items: UsageRow[] = rows.map((r) => ({
    day: dayString(r.day),
    model: r.model,
    requests: r._sum.requests ?? 0,
    promptTokens: Number(r._sum.promptTokens ?? 0n),
    completionTokens: Number(r._sum.completionTokens ?? 0n),
    cost: formatMoney(r._sum.cost ?? 0n),
  }));
  const totalCost = rows.reduce((sum, r) => sum + (r._sum.cost ?? 0n), 0n);
  return {
    from: dayString(from),
    to: dayString(to),
    items,
    totals: {
      requests: items.reduce((n, r) => n + r.requests, 0),
      promptTokens: items.reduce((n, r) => n + r.promptTokens, 0),
      completionTokens: items.reduce((n, r) => n + r.completionTokens, 0),
      cost: formatMoney(totalCost),
    },
  };
}
