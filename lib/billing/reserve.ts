import "server-only";
import { now, startOfUtcDay, startOfUtcMonth } from "@/lib/clock";
import { getDb, queryRows } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/logging/logger";
import { once } from "@/lib/once";
import { getSettingsCached } from "@/lib/settings";
import { backlogBelow, recordBacklog } from "./backlog";
import type { WorstCase } from "./estimate";
import { instanceId } from "./instance";
import { admitFromLease, leaseBeingTaken, leasesSuspended, noteExactReservation } from "./lease";
import { limitRowsOf, type Principal } from "./principal";
import { type PendingRow, type Reservation, reservedColumns, reservedValues } from "./reservation";

/**
 * Requests are admitted against a lease only while the recorder keeps up: beyond this many records
 * waiting to be written, a request first waits (at most BACKLOG_WAIT_MS) for the recorder to write
 * half of them, so that a backlog (and the memory it holds) stays bounded. Only then, the recorder
 * still behind, does it take the exact path, whose statement paces it to what the database takes.
 * Sent to the exact path at once, every request of a backlog reserved on the very rows the
 * recorder's settlements lock: the recorder fell further behind, and at 50 connections from one key
 * 3–12 % of requests were reserved so, at ~7–13 ms of PostgreSQL's time each (bench/README.md).
 */
const LEASE_BACKLOG_LIMIT = 2_000;
const BACKLOG_WAIT_MS = 1_000;

import {
  applyPeriodResets,
  applyTokenGrant,
  checkBalance,
  checkDailyRequests,
  checkMonthlyQuota,
  checkTokenAllowance,
  globalDailyLimitError,
  type LimitRow,
} from "./limits";

export type ReserveInput = {
  requestId: string;
  principal: Principal;
  model: string;
  worst: WorstCase;
  stream: boolean;
  /** The prompt as the Request row keeps it: JSON text, serialised once, when first needed (reservation.ts). */
  promptJson: string | (() => string);
};

type RawLimit = Record<keyof LimitRow, unknown>;

// One statement updates every level's row (period resets, grants, the reservation, the day's
// count) and records the request as PENDING, so the rows are locked for as short a time as possible.
function reserveStatement(rows: LimitRow[], worst: WorstCase, at: Date): Prisma.Sql {
  if (rows.length === 0) return Prisma.empty;
  const values = rows.map(
    (r) =>
      Prisma.sql`(${r.id}, ${r.monthSpent}::bigint, ${r.monthStart}::timestamp, ${r.tokenAllowance}::bigint, ${r.lastGrantAt}::timestamp, ${r.dayCount + 1}::int, ${r.dayStart}::timestamp)`,
  );
  return Prisma.sql`WITH "reserved" AS (
    UPDATE "Limit" AS l SET
      "reserved" = l."reserved" + ${worst.money},
      "monthReserved" = l."monthReserved" + ${worst.money},
      "tokenReserved" = l."tokenReserved" + ${worst.tokens},
      "monthSpent" = v."monthSpent", "monthStart" = v."monthStart",
      "tokenAllowance" = v."tokenAllowance", "lastGrantAt" = v."lastGrantAt",
      "dayCount" = v."dayCount", "dayStart" = v."dayStart", "updatedAt" = ${at}
    FROM (VALUES ${Prisma.join(values)}) AS v("id", "monthSpent", "monthStart", "tokenAllowance", "lastGrantAt", "dayCount", "dayStart")
    WHERE l."id" = v."id"
    RETURNING l."id")`;
}

const requestColumns = Prisma.sql`${reservedColumns}, "model", "status"`;

function pendingRow(input: ReserveInput, at: Date): PendingRow {
  const p = input.principal;
  return {
    userId: p.userId,
    apiKeyId: p.key?.id ?? null,
    source: p.source,
    model: input.model,
    stream: input.stream,
    prompt: typeof input.promptJson === "string" ? () => input.promptJson as string : once(input.promptJson),
    instanceId: instanceId(),
    createdAt: at,
  };
}

function pendingRequestValues(
  requestId: string,
  row: PendingRow,
  reserved: { money: bigint; tokens: bigint },
  limitIds: Prisma.Sql,
): Prisma.Sql {
  return Prisma.sql`${reservedValues(requestId, row, reserved, limitIds)}, ${row.model}, 'PENDING'::"RequestStatus"`;
}

function insertPendingRequest(requestId: string, row: PendingRow, worst: WorstCase, limitIds: string[]): Prisma.Sql {
  return Prisma.sql`INSERT INTO "Request" (${requestColumns}) VALUES (${pendingRequestValues(requestId, row, worst, Prisma.sql`${limitIds}::text[]`)})`;
}

/**
 * The common case in one statement, so one round trip and row locks held only while it runs: every
 * level's row is locked, and when each one plainly fits — the same month and day as the clock, so no
 * reset is due, no token grant is due, and balance, quota, allowance and daily count all leave room —
 * the reservation and the PENDING request are written. Otherwise nothing is written and the caller
 * takes the full path below, which resets periods, grants tokens or names the limit that refuses.
 *
 * Its commit is asynchronous (`synchronous_commit` off for this one transaction): it is visible to
 * every other transaction at once, so concurrent requests see the reservation as before, but the
 * request does not wait for the WAL to reach the disk (~0.7 ms here, most of what a reservation
 * costs at low load). Should PostgreSQL itself crash within that fraction of a second, the whole
 * reservation is lost together — row and amounts — and settlement writes the row again and charges
 * the request without releasing what was never held (settle.ts). Settlement commits synchronously.
 */
async function reserveInOneStatement(input: ReserveInput, pending: PendingRow, at: Date): Promise<string[] | null> {
  const { principal: p, worst } = input;
  const [row] = await queryRows<{ ok: boolean; ids: string[] | null }>(
    Prisma.sql`
    WITH "rows" AS (
      SELECT * FROM "Limit"
      WHERE ${limitRowsOf(p)}
      ORDER BY "id" FOR UPDATE
    ), "fits" AS (
      SELECT coalesce(bool_and(
               ("balance" IS NULL OR ("balance" - "reserved" >= ${worst.money}::bigint AND NOT ("balance" - "reserved" <= 0 AND ${worst.money}::bigint > 0)))
           AND date_trunc('month', "monthStart") = ${startOfUtcMonth(at)}::timestamp
           AND ("monthlyQuota" IS NULL OR "monthSpent" + "monthReserved" + ${worst.money}::bigint <= "monthlyQuota")
           AND date_trunc('day', "dayStart") = ${startOfUtcDay(at)}::timestamp
           AND ("dailyRequestLimit" IS NULL OR "dayCount" < "dailyRequestLimit")
           AND ("tokenAllowance" IS NULL OR "tokenAllowance" - "tokenReserved" > 0)), true) AS "ok",
             coalesce(array_agg("id" ORDER BY "id"), '{}') AS "ids"
      FROM "rows"
    ), "reserved" AS (
      UPDATE "Limit" AS l SET
        "reserved" = l."reserved" + ${worst.money}::bigint,
        "monthReserved" = l."monthReserved" + ${worst.money}::bigint,
        "tokenReserved" = l."tokenReserved" + ${worst.tokens}::bigint,
        "dayCount" = l."dayCount" + 1, "updatedAt" = ${at}::timestamp
      FROM "rows" AS r, "fits" AS f
      WHERE l."id" = r."id" AND f."ok"
      RETURNING l."id"
    ), "recorded" AS (
      INSERT INTO "Request" (${requestColumns})
      SELECT ${pendingRequestValues(input.requestId, pending, worst, Prisma.sql`f."ids"`)} FROM "fits" AS f WHERE f."ok"
      RETURNING "id"
    )
    SELECT f."ok", f."ids", set_config('synchronous_commit', 'off', true) AS "asynchronousCommit" FROM "fits" AS f`,
    { prepared: "tollgate_reserve" },
  );
  return row?.ok ? (row.ids ?? []) : null;
}

function toLimitRow(r: RawLimit): LimitRow {
  const big = (v: unknown) => (v === null || v === undefined ? null : BigInt(v as string | number | bigint));
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
  return {
    id: String(r.id),
    scope: r.scope as LimitRow["scope"],
    balance: big(r.balance),
    reserved: big(r.reserved) ?? 0n,
    monthlyQuota: big(r.monthlyQuota),
    monthSpent: big(r.monthSpent) ?? 0n,
    monthReserved: big(r.monthReserved) ?? 0n,
    monthStart: date(r.monthStart)!,
    tokenAllowance: big(r.tokenAllowance),
    tokenReserved: big(r.tokenReserved) ?? 0n,
    grantAmount: big(r.grantAmount),
    grantPeriodSeconds: r.grantPeriodSeconds === null ? null : Number(r.grantPeriodSeconds),
    lastGrantAt: date(r.lastGrantAt),
    dailyRequestLimit: r.dailyRequestLimit === null ? null : Number(r.dailyRequestLimit),
    dayCount: Number(r.dayCount),
    dayStart: date(r.dayStart)!,
  };
}

/**
 * Atomically checks every level (key, user, group, global) and reserves the request's worst case
 * on each, then records the request as PENDING — in one statement when nothing is due (the common
 * case), else in one transaction with the limit rows locked — so concurrent requests on any
 * instance can never spend more than there is. A principal sending requests back to back is
 * admitted in memory against a budget lease reserved the same way (lease.ts). Throws the 402/429 of the first level that does not
 * fit; nothing is written then.
 */
export async function reserveBudget(input: ReserveInput): Promise<Reservation> {
  const { principal, worst } = input;
  const at = now();
  const pending = pendingRow(input, at);
  const settings = await getSettingsCached();
  const db = await getDb();
  if (settings.globalDailyLimit === null) {
    // A recorder that fell behind, or a lease being taken, is waited for before the exact path.
    if (recordBacklog() >= LEASE_BACKLOG_LIMIT && !leasesSuspended())
      await backlogBelow(LEASE_BACKLOG_LIMIT / 2, BACKLOG_WAIT_MS);
    const keepsUp = recordBacklog() < LEASE_BACKLOG_LIMIT;
    let lease = keepsUp ? admitFromLease(principal, worst, at) : null;
    const renewal = keepsUp && !lease ? leaseBeingTaken(principal) : undefined;
    if (renewal) {
      await renewal;
      lease = admitFromLease(principal, worst, at);
    }
    if (lease)
      return {
        requestId: input.requestId,
        money: worst.money,
        tokens: worst.tokens,
        limitIds: lease.limitIds,
        pending,
        lease,
      };
  }
  try {
    if (settings.globalDailyLimit === null) {
      const limitIds = await reserveInOneStatement(input, pending, at);
      if (limitIds) {
        noteExactReservation(principal, worst);
        return { requestId: input.requestId, money: worst.money, tokens: worst.tokens, limitIds, pending };
      }
    }
    const reservation = await db.$transaction(
      async (tx) => {
        // The limit rows stay locked from this SELECT to COMMIT: two more round trips at most.
        const raw = await tx.$queryRaw<RawLimit[]>`
          SELECT "id", "scope", "balance", "reserved", "monthlyQuota", "monthSpent", "monthReserved", "monthStart",
                 "tokenAllowance", "tokenReserved", "grantAmount", "grantPeriodSeconds", "lastGrantAt",
                 "dailyRequestLimit", "dayCount", "dayStart"
          FROM "Limit"
          WHERE ${limitRowsOf(principal)}
          ORDER BY "id" FOR UPDATE`;
        const rows: LimitRow[] = [];
        const grants: Array<{ id: string; amount: bigint; after: bigint }> = [];
        for (const r of raw) {
          const reset = applyPeriodResets(toLimitRow(r), at);
          const granted = applyTokenGrant(reset.row, at);
          const row = granted.row;
          checkBalance(row, worst.money);
          checkMonthlyQuota(row, worst.money, at);
          checkTokenAllowance(row, at);
          checkDailyRequests(row, at);
          rows.push(row);
          if (granted.granted > 0n) grants.push({ id: row.id, amount: granted.granted, after: row.tokenAllowance! });
        }
        if (settings.globalDailyLimit !== null) {
          const counted = await tx.$queryRaw<unknown[]>`
            INSERT INTO "GlobalDailyCounter" ("day", "requests") VALUES (${startOfUtcDay(at)}::date, 1)
            ON CONFLICT ("day") DO UPDATE SET "requests" = "GlobalDailyCounter"."requests" + 1
            WHERE "GlobalDailyCounter"."requests" < ${settings.globalDailyLimit}
            RETURNING "requests"`;
          if (counted.length === 0) throw globalDailyLimitError(settings.globalDailyLimit, at);
        }
        const limitIds = rows.map((r) => r.id);
        await tx.$executeRaw`${reserveStatement(rows, worst, at)} ${insertPendingRequest(input.requestId, pending, worst, limitIds)}`;
        for (const g of grants) {
          await tx.transaction.create({
            data: {
              limitId: g.id,
              kind: "GRANT",
              unit: "TOKENS",
              amount: g.amount,
              balanceAfter: g.after,
              note: "automatic token grant",
            },
          });
        }
        return { requestId: input.requestId, money: worst.money, tokens: worst.tokens, limitIds, pending };
      },
      { timeout: 10_000, maxWait: 10_000 },
    );
    if (settings.globalDailyLimit === null) noteExactReservation(principal, worst);
    return reservation;
  } catch (err) {
    if (err instanceof AppError) throw err;
    // The database is down or overloaded: fail closed, never serve without a durable reservation.
    logger.error(
      { err: err instanceof Error ? err.message : String(err), requestId: input.requestId },
      "reservation failed",
    );
    throw new AppError("unavailable", "Billing is temporarily unavailable; please retry shortly", {
      headers: { "retry-after": "2" },
    });
  }
}
