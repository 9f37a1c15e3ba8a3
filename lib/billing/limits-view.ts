import "server-only";
import { now, startOfUtcDay, startOfUtcMonth } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { formatMoney } from "./money";

// What a caller can see of their own limits, level by level (group, account, and the key they use).

export type LevelView = {
  scope: "GROUP" | "USER" | "KEY";
  balance: string | null;
  reserved: string;
  monthlyQuota: string | null;
  monthSpent: string;
  monthLeft: string | null;
  tokenAllowance: string | null;
  grantAmount: string | null;
  nextGrantAt: string | null;
  dailyRequestLimit: number | null;
  dailyUsed: number;
  dailyRemaining: number | null;
  rpm: number | null;
  tpm: number | null;
};

export type LimitsView = { balance: string | null; levels: LevelView[] };

export async function getLimitsView(input: {
  userId: string;
  groupId: string | null;
  keyId?: string | null;
}): Promise<LimitsView> {
  const db = await getDb();
  const rows = await db.limit.findMany({
    where: {
      OR: [
        { userId: input.userId },
        ...(input.groupId ? [{ groupId: input.groupId }] : []),
        ...(input.keyId ? [{ apiKeyId: input.keyId }] : []),
      ],
    },
  });
  const at = now();
  // Budget leases (lease.ts) hold slices of a level for requests an instance has not admitted yet:
  // they are not spent, so what the caller sees leaves them out.
  const leases = rows.length
    ? await db.lease.findMany({ where: { limitIds: { hasSome: rows.map((l) => l.id) } } })
    : [];
  const leased = (l: (typeof rows)[number]) => {
    const on = leases.filter((x) => x.limitIds.includes(l.id));
    const today = startOfUtcDay(at).getTime();
    return {
      money: on.reduce((n, x) => n + x.money, 0n),
      requests: on.filter((x) => x.day.getTime() === today).reduce((n, x) => n + x.requests, 0),
    };
  };
  const held = new Map(rows.map((l) => [l.id, leased(l)]));
  const reservedOf = (l: (typeof rows)[number]) => l.reserved - held.get(l.id)!.money;
  const order = { KEY: 0, USER: 1, GROUP: 2 } as const;
  const levels = rows
    .sort((a, b) => order[a.scope] - order[b.scope])
    .map((l): LevelView => {
      const monthSpent = startOfUtcMonth(l.monthStart).getTime() !== startOfUtcMonth(at).getTime() ? 0n : l.monthSpent;
      const dailyUsed =
        startOfUtcDay(l.dayStart).getTime() !== startOfUtcDay(at).getTime()
          ? 0
          : Math.max(0, l.dayCount - held.get(l.id)!.requests);
      const nextGrant =
        l.grantAmount && l.lastGrantAt ? new Date(l.lastGrantAt.getTime() + (l.grantPeriodSeconds ?? 0) * 1000) : null;
      return {
        scope: l.scope,
        balance: l.balance === null ? null : formatMoney(l.balance - reservedOf(l)),
        reserved: formatMoney(reservedOf(l)),
        monthlyQuota: l.monthlyQuota === null ? null : formatMoney(l.monthlyQuota),
        monthSpent: formatMoney(monthSpent),
        monthLeft:
          l.monthlyQuota === null
            ? null
            : formatMoney(l.monthlyQuota - monthSpent > 0n ? l.monthlyQuota - monthSpent : 0n),
        tokenAllowance: l.tokenAllowance === null ? null : l.tokenAllowance.toString(),
        grantAmount: l.grantAmount === null ? null : l.grantAmount.toString(),
        nextGrantAt: nextGrant ? nextGrant.toISOString() : null,
        dailyRequestLimit: l.dailyRequestLimit,
        dailyUsed,
        dailyRemaining: l.dailyRequestLimit === null ? null : Math.max(0, l.dailyRequestLimit - dailyUsed),
        rpm: l.rpm,
        tpm: l.tpm,
      };
    });
  // The balance a user sees first: the tightest prepaid level that applies.
  const available = rows.filter((l) => l.balance !== null).map((l) => l.balance! - reservedOf(l));
  const tightest = available.length ? available.reduce((min, b) => (b < min ? b : min)) : null;
  return { balance: tightest === null ? null : formatMoney(tightest), levels };
}
