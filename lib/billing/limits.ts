import { secondsUntil, startOfNextUtcDay, startOfNextUtcMonth, startOfUtcDay, startOfUtcMonth } from "@/lib/clock";
import { AppError } from "@/lib/errors";
import { displayMoney } from "./money";

// Each limit is one small function: given a level's row (after the period resets), does this
// request fit? They throw the error a client can act on, naming the level and when it resets.

export type LimitRow = {
  id: string;
  scope: "GROUP" | "USER" | "KEY";
  balance: bigint | null;
  reserved: bigint;
  monthlyQuota: bigint | null;
  monthSpent: bigint;
  monthReserved: bigint;
  monthStart: Date;
  tokenAllowance: bigint | null;
  tokenReserved: bigint;
  grantAmount: bigint | null;
  grantPeriodSeconds: number | null;
  lastGrantAt: Date | null;
  dailyRequestLimit: number | null;
  dayCount: number;
  dayStart: Date;
};

const levelName = { GROUP: "group", USER: "account", KEY: "API key" } as const;

/** Starts a new month / day on the row when the clock has passed the boundary (UTC). */
export function applyPeriodResets(row: LimitRow, at: Date): { row: LimitRow; changed: boolean } {
  let changed = false;
  const next = { ...row };
  // A different month or day than the clock's (either way, so a skewed clock cannot freeze it).
  if (startOfUtcMonth(row.monthStart).getTime() !== startOfUtcMonth(at).getTime()) {
    next.monthSpent = 0n;
    next.monthStart = startOfUtcMonth(at);
    changed = true;
  }
  if (startOfUtcDay(row.dayStart).getTime() !== startOfUtcDay(at).getTime()) {
    next.dayCount = 0;
    next.dayStart = startOfUtcDay(at);
    changed = true;
  }
  return { row: next, changed };
}

export function checkBalance(row: LimitRow, worst: bigint): void {
  if (row.balance === null) return;
  const available = row.balance - row.reserved;
  if (available < worst || (available <= 0n && worst > 0n)) {
    throw new AppError(
      "insufficient_balance",
      `Insufficient balance on your ${levelName[row.scope]}: ${displayMoney(available > 0n ? available : 0n)} available, this request may cost up to ${displayMoney(worst)}`,
      { details: { limit: "balance", level: row.scope.toLowerCase() } },
    );
  }
}

export function checkMonthlyQuota(row: LimitRow, worst: bigint, at: Date): void {
  if (row.monthlyQuota === null) return;
  if (row.monthSpent + row.monthReserved + worst > row.monthlyQuota) {
    const resetAt = startOfNextUtcMonth(at);
    throw new AppError(
      "quota_exceeded",
      `Monthly quota of your ${levelName[row.scope]} reached (${displayMoney(row.monthlyQuota)}); it resets on ${resetAt.toISOString().slice(0, 10)}`,
      {
        headers: { "retry-after": String(secondsUntil(resetAt, at)) },
        details: { limit: "monthly_quota", level: row.scope.toLowerCase(), resets_at: resetAt.toISOString() },
      },
    );
  }
}

/** Tokens: the allowance must not be used up; once it is and the grant period has passed, it is refilled. */
export function applyTokenGrant(row: LimitRow, at: Date): { row: LimitRow; granted: bigint } {
  if (row.tokenAllowance === null || row.tokenAllowance - row.tokenReserved > 0n || !row.grantAmount)
    return { row, granted: 0n };
  const due = !row.lastGrantAt || at.getTime() - row.lastGrantAt.getTime() >= (row.grantPeriodSeconds ?? 0) * 1000;
  if (!due) return { row, granted: 0n };
  return {
    row: { ...row, tokenAllowance: row.tokenAllowance + row.grantAmount, lastGrantAt: at },
    granted: row.grantAmount,
  };
}

export function checkTokenAllowance(row: LimitRow, at: Date): void {
  if (row.tokenAllowance === null || row.tokenAllowance - row.tokenReserved > 0n) return;
  const refillAt =
    row.grantAmount && row.lastGrantAt
      ? new Date(row.lastGrantAt.getTime() + (row.grantPeriodSeconds ?? 0) * 1000)
      : null;
  throw new AppError(
    "quota_exceeded",
    `Token allowance of your ${levelName[row.scope]} is used up${refillAt ? `; it refills at ${refillAt.toISOString()}` : ""}`,
    {
      headers: refillAt ? { "retry-after": String(secondsUntil(refillAt, at)) } : {},
      details: {
        limit: "tokens",
        level: row.scope.toLowerCase(),
        ...(refillAt ? { resets_at: refillAt.toISOString() } : {}),
      },
    },
  );
}

export function checkDailyRequests(row: LimitRow, at: Date): void {
  if (row.dailyRequestLimit === null || row.dayCount < row.dailyRequestLimit) return;
  const resetAt = startOfNextUtcDay(at);
  throw new AppError(
    "quota_exceeded",
    `Daily request limit of your ${levelName[row.scope]} reached (${row.dailyRequestLimit}); it resets at midnight UTC`,
    {
      headers: { "retry-after": String(secondsUntil(resetAt, at)) },
      details: { limit: "daily_requests", level: row.scope.toLowerCase(), resets_at: resetAt.toISOString() },
    },
  );
}

export function globalDailyLimitError(limit: number, at: Date): AppError {
  const resetAt = startOfNextUtcDay(at);
  return new AppError(
    "quota_exceeded",
    `The service's daily request limit (${limit}) is reached for everyone; it resets at midnight UTC`,
    {
      headers: { "retry-after": String(secondsUntil(resetAt, at)) },
      details: { limit: "global_daily_requests", level: "global", resets_at: resetAt.toISOString() },
    },
  );
}
