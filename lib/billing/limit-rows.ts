import "server-only";
import { randomUUID } from "node:crypto";
import type { RunSql } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";

// What settlement, lease draining and crash recovery write to the levels' rows: one update of every
// level touched (reservations released, real costs taken) and the ledger rows after it. Below both
// settle.ts and lease.ts, so neither imports the other for it.

export type LimitDelta = {
  money: bigint;
  tokensReserved: bigint;
  cost: bigint;
  tokens: bigint;
  charges: Array<{ requestId: string; model: string; cost: bigint; tokens: bigint }>;
  /** Requests a drained lease did not use, given back to the day's count if it is still that day. */
  requests?: { count: number; day: string };
};

/**
 * Every level touched by the batch in ONE update — reservations released, real costs taken, rows
 * locked in id order as the reservation locks them — then the ledger rows of all levels in one insert,
 * with the balance after each charge.
 */
export async function chargeLimits(run: RunSql, deltas: Map<string, LimitDelta>): Promise<void> {
  if (deltas.size === 0) return;
  const values = [...deltas].map(
    ([id, d]) =>
      Prisma.sql`(${id}::text, ${d.money}::bigint, ${d.tokensReserved}::bigint, ${d.cost}::bigint, ${d.tokens}::bigint, ${d.requests?.count ?? 0}::int, ${d.requests?.day ?? null}::timestamp)`,
  );
  const updated = await run<{ id: string; balance: string | null; tokenAllowance: string | null }>(Prisma.sql`
    WITH "d"("id", "money", "tokensReserved", "cost", "tokens", "requests", "day") AS (VALUES ${Prisma.join(values)}),
    "locked" AS (SELECT l."id" FROM "Limit" AS l JOIN "d" ON l."id" = "d"."id" ORDER BY l."id" FOR UPDATE OF l)
    UPDATE "Limit" AS l SET
      "reserved" = l."reserved" - d."money",
      "monthReserved" = GREATEST(l."monthReserved" - d."money", 0),
      "tokenReserved" = GREATEST(l."tokenReserved" - d."tokensReserved", 0),
      "balance" = CASE WHEN l."balance" IS NULL THEN NULL ELSE l."balance" - d."cost" END,
      "monthSpent" = l."monthSpent" + d."cost",
      "tokenAllowance" = CASE WHEN l."tokenAllowance" IS NULL THEN NULL ELSE l."tokenAllowance" - d."tokens" END,
      "dayCount" = CASE WHEN d."requests" > 0 AND date_trunc('day', l."dayStart") = d."day" THEN GREATEST(l."dayCount" - d."requests", 0) ELSE l."dayCount" END,
      "updatedAt" = now()
    FROM "d", "locked" AS k
    WHERE l."id" = d."id" AND k."id" = l."id"
    RETURNING l."id", l."balance"::text AS "balance", l."tokenAllowance"::text AS "tokenAllowance"`);
  // A level deleted meanwhile is not in `updated`: nothing to write for it.
  const ledger = updated.flatMap((row) => ledgerRows(row.id, deltas.get(row.id)!, row.balance, row.tokenAllowance));
  if (ledger.length === 0) return;
  const rows = ledger.map(
    (
      t,
    ) => Prisma.sql`(${randomUUID()}::text, ${t.limitId}::text, 'USAGE'::"TransactionKind", ${t.unit}::"LedgerUnit", ${t.amount}::bigint,
      ${t.balanceAfter}::bigint, ${t.requestId}::text, ${t.note}::text, ${t.createdAt}::timestamp)`,
  );
  await run(Prisma.sql`
    INSERT INTO "Transaction" ("id", "limitId", "kind", "unit", "amount", "balanceAfter", "requestId", "note", "createdAt")
    VALUES ${Prisma.join(rows)}`);
}

type LedgerRow = {
  limitId: string;
  unit: "MONEY" | "TOKENS";
  amount: bigint;
  balanceAfter: bigint;
  requestId: string;
  note: string;
  createdAt: Date;
};

// The update returned the balance after all of the batch's charges; walking back from it gives
// the balance after each one, in order.
function ledgerRows(
  limitId: string,
  d: LimitDelta,
  balance: string | null,
  tokenAllowance: string | null,
): LedgerRow[] {
  const rows: LedgerRow[] = [];
  let money = balance === null ? null : BigInt(balance) + d.cost;
  let tokens = tokenAllowance === null ? null : BigInt(tokenAllowance) + d.tokens;
  const base = Date.now();
  d.charges.forEach((c, i) => {
    const createdAt = new Date(base + i);
    if (money !== null && c.cost > 0n) {
      money -= c.cost;
      rows.push({
        limitId,
        unit: "MONEY",
        amount: -c.cost,
        balanceAfter: money,
        requestId: c.requestId,
        note: c.model,
        createdAt,
      });
    }
    if (tokens !== null && c.tokens > 0n) {
      tokens -= c.tokens;
      rows.push({
        limitId,
        unit: "TOKENS",
        amount: -c.tokens,
        balanceAfter: tokens,
        requestId: c.requestId,
        note: c.model,
        createdAt,
      });
    }
  });
  return rows;
}

/**
 * Deletes Lease rows and releases what each still held on its levels: money, tokens, and the day's
 * requests it did not use (when the level's day is still the lease's). For drained leases and for
 * those of an instance that stopped.
 */
export async function releaseLeaseRows(run: RunSql, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await run<{
    limitIds: string[];
    money: string;
    tokens: string;
    requests: number;
    day: string;
  }>(Prisma.sql`
    DELETE FROM "Lease" WHERE "id" = ANY(${ids}::text[])
    RETURNING "limitIds", "money"::text AS "money", "tokens"::text AS "tokens", "requests", "day"::text AS "day"`);
  const deltas = new Map<string, LimitDelta>();
  for (const row of rows) {
    for (const id of row.limitIds) {
      const d = deltas.get(id) ?? { money: 0n, tokensReserved: 0n, cost: 0n, tokens: 0n, charges: [] };
      d.money += BigInt(row.money);
      d.tokensReserved += BigInt(row.tokens);
      // Leases of two different days on one level: only the later day's count can still matter.
      if (!d.requests || d.requests.day < row.day) d.requests = { count: row.requests, day: row.day };
      else if (d.requests.day === row.day) d.requests.count += row.requests;
      deltas.set(id, d);
    }
  }
  await chargeLimits(run, deltas);
  return rows.length;
}

/** Releases a reservation that produced nothing billable (crash recovery). */
export async function releaseReservation(
  run: RunSql,
  reservation: { limitIds: string[]; money: bigint; tokens: bigint },
): Promise<void> {
  const release = (): LimitDelta => ({
    money: reservation.money,
    tokensReserved: reservation.tokens,
    cost: 0n,
    tokens: 0n,
    charges: [],
  });
  await chargeLimits(run, new Map(reservation.limitIds.map((id) => [id, release()])));
}
