import "server-only";
import { randomUUID } from "node:crypto";
import { now, startOfUtcDay, startOfUtcMonth } from "@/lib/clock";
import { queryRows, transactionRows } from "@/lib/db/client";
import { subscribe } from "@/lib/events/bus";
import { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/logging/logger";
import type { WorstCase } from "./estimate";
import { instanceId } from "./instance";
import { releaseLeaseRows } from "./limit-rows";
import { limitRowsOf, type Principal } from "./principal";

// Budget leases. A reservation is a statement that locks every level's row (key, user, group), and
// at load that statement was most of what PostgreSQL did per request. For a principal sending
// requests back to back, the instance instead reserves a slice of every level's headroom at once —
// N requests' worst case of money and tokens, and N of the day's requests — in the same kind of
// locked statement, records it as a Lease row, and admits the next requests against the slice in
// memory. Settlement takes each request's real cost (and one request) out of the lease, on the
// Limit rows and the Lease row in one transaction, and the rest of its worst case goes back to the
// slice. What is left is released when the lease is drained: after the principal went idle, at the
// day's end, when an administrator changed a level, at shutdown and in flushRecords(). Crash
// recovery releases the Lease rows of an instance that stopped (recovery.ts).
//
// Money stays exact and never overspent: every amount a lease admits against is reserved on the
// levels' rows, under their locks, before it is used. A lease is taken only while every level has
// at least HEADROOM times the slice left, so a small balance, quota or daily limit is reserved
// request by request as before, and a lease never stands between a user and the end of a budget.

/** Requests one lease covers at most / at least (below that, reserving request by request is cheaper than a lease). */
const MAX_REQUESTS = 256;
const MIN_REQUESTS = 16;
/** Every level must have this many times the slice left. */
const HEADROOM = 4;
/** A lease is drained after this long without a request, or this long after it was taken. */
const IDLE_MS = 2_000;
const MAX_AGE_MS = 30_000;
/** Two reservations of one principal within this long make it worth a lease. */
const DEMAND_MS = 1_000;
const SWEEP_MS = 500;

export type Lease = {
  id: string;
  key: string;
  limitIds: string[];
  /** Unused, in memory: what this instance may still admit against. */
  money: bigint;
  tokens: bigint;
  requests: number;
  size: number;
  day: Date;
  open: boolean;
  takenAt: number;
  lastUsed: number;
  /** Requests admitted whose settlement has not been written yet. */
  outstanding: number;
};

type Book = {
  byKey: Map<string, Lease>;
  all: Set<Lease>;
  acquiring: Map<string, Promise<void>>;
  lastExact: Map<string, number>;
  timer?: NodeJS.Timeout;
  draining?: Promise<void>;
  /** The recorder cannot reach the database: nothing is admitted against a lease until it can again. */
  suspended?: boolean;
};

const globalForLeases = globalThis as unknown as { tollgateLeases?: Book };

function book(): Book {
  if (!globalForLeases.tollgateLeases) {
    globalForLeases.tollgateLeases = { byKey: new Map(), all: new Set(), acquiring: new Map(), lastExact: new Map() };
    // An administrator changed a level (any instance, with Redis): no lease may outlive it.
    subscribe("limits", () => closeLeases());
  }
  return globalForLeases.tollgateLeases;
}

const keyOf = (p: Principal) => `${p.key?.id ?? ""}|${p.userId}|${p.groupId ?? ""}`;

/** Admits a request against its principal's lease, in memory; null when there is none that fits (reserve exactly then). */
export function admitFromLease(p: Principal, worst: WorstCase, at: Date): Lease | null {
  const b = book();
  if (b.suspended) return null;
  const lease = b.byKey.get(keyOf(p));
  if (!lease) return null;
  if (
    lease.day.getTime() !== startOfUtcDay(at).getTime() ||
    lease.money < worst.money ||
    lease.tokens < worst.tokens ||
    lease.requests < 1
  ) {
    closeLease(lease);
    return null;
  }
  lease.money -= worst.money;
  lease.tokens -= worst.tokens;
  lease.requests -= 1;
  lease.outstanding += 1;
  lease.lastUsed = Date.now();
  // Renew before it runs out, so the principal's requests keep finding one.
  if (lease.requests * 4 < lease.size) acquireLease(p, worst);
  return lease;
}

/**
 * The lease being taken for this principal, if one is. A request that found its lease used up waits
 * for it and is admitted against the new one: reserving exactly instead, every request in that gap
 * queued on the very rows the renewal locks (~1 % of a 50-connection load from one key, ~7 ms each).
 */
export function leaseBeingTaken(p: Principal): Promise<void> | undefined {
  return book().acquiring.get(keyOf(p));
}

/** An exact reservation went through; a principal reserving again soon gets a lease. */
export function noteExactReservation(p: Principal, worst: WorstCase): void {
  const b = book();
  if (b.suspended) return;
  const key = keyOf(p);
  const t = Date.now();
  const last = b.lastExact.get(key);
  b.lastExact.set(key, t);
  if (b.lastExact.size > 10_000) b.lastExact.clear();
  if (last !== undefined && t - last <= DEMAND_MS) acquireLease(p, worst);
}

/**
 * What a leased request takes out of its lease on the levels' rows: its real cost and tokens (at
 * most its worst case). Settlement releases exactly this from the rows and the Lease row.
 */
export function leaseConsumption(
  worst: { money: bigint; tokens: bigint },
  cost: bigint,
  tokens: bigint,
): { money: bigint; tokens: bigint } {
  return { money: cost < worst.money ? cost : worst.money, tokens: tokens < worst.tokens ? tokens : worst.tokens };
}

/** A leased request finished: the unused rest of its worst case goes back to the lease. */
export function returnToLease(
  lease: Lease,
  worst: { money: bigint; tokens: bigint },
  cost: bigint,
  tokens: bigint,
): void {
  const used = leaseConsumption(worst, cost, tokens);
  lease.money += worst.money - used.money;
  lease.tokens += worst.tokens - used.tokens;
}

/** A leased request's settlement was written (or dropped): once none is left, a closed lease can be drained. */
export function leaseSettled(lease: Lease): void {
  lease.outstanding -= 1;
}

function acquireLease(p: Principal, worst: WorstCase): void {
  const b = book();
  const key = keyOf(p);
  if (b.acquiring.has(key)) return;
  const taking = takeLease(p, worst)
    .then((lease) => {
      if (!lease) return;
      const previous = b.byKey.get(key);
      b.byKey.set(key, lease);
      b.all.add(lease);
      if (previous) closeLease(previous);
      b.timer ??= setInterval(() => void sweep(), SWEEP_MS).unref();
    })
    .catch((err) =>
      logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        "taking a budget lease failed; reserving per request",
      ),
    )
    .finally(() => b.acquiring.delete(key));
  b.acquiring.set(key, taking);
}

/** One statement: lock the principal's levels, size the slice by the headroom of the tightest, reserve it on each, record it. */
async function takeLease(p: Principal, worst: WorstCase): Promise<Lease | null> {
  const at = now();
  const id = randomUUID();
  const day = startOfUtcDay(at);
  const money = worst.money;
  const tokens = worst.tokens;
  const fit = (room: Prisma.Sql, per: bigint) =>
    per > 0n ? Prisma.sql`(${room}) / ${per * BigInt(HEADROOM)}::bigint` : Prisma.sql`${MAX_REQUESTS}::bigint`;
  const [row] = await queryRows<{ n: string | number | null; ids: string[] | null }>(Prisma.sql`
    WITH "rows" AS (
      SELECT * FROM "Limit"
      WHERE ${limitRowsOf(p)}
      ORDER BY "id" FOR UPDATE
    ), "size" AS (
      SELECT coalesce(array_agg("id" ORDER BY "id"), '{}') AS "ids", LEAST(${MAX_REQUESTS}::bigint, min(LEAST(
        CASE WHEN "balance" IS NULL THEN NULL ELSE ${fit(Prisma.sql`"balance" - "reserved"`, money)} END,
        CASE WHEN "monthlyQuota" IS NULL THEN NULL ELSE ${fit(Prisma.sql`"monthlyQuota" - "monthSpent" - "monthReserved"`, money)} END,
        CASE WHEN "tokenAllowance" IS NULL THEN NULL ELSE ${fit(Prisma.sql`"tokenAllowance" - "tokenReserved"`, tokens)} END,
        CASE WHEN "dailyRequestLimit" IS NULL THEN NULL ELSE ("dailyRequestLimit" - "dayCount")::bigint / ${HEADROOM}::bigint END,
        -- a new month or day is due on this level: the exact path resets it first
        CASE WHEN date_trunc('month', "monthStart") = ${startOfUtcMonth(at)}::timestamp AND date_trunc('day', "dayStart") = ${day}::timestamp
             THEN NULL ELSE 0::bigint END
      ))) AS "n"
      FROM "rows"
    ), "leased" AS (
      UPDATE "Limit" AS l SET
        "reserved" = l."reserved" + ${money}::bigint * s."n",
        "monthReserved" = l."monthReserved" + ${money}::bigint * s."n",
        "tokenReserved" = l."tokenReserved" + ${tokens}::bigint * s."n",
        "dayCount" = l."dayCount" + s."n"::int, "updatedAt" = ${at}::timestamp
      FROM "rows" AS r, "size" AS s
      WHERE l."id" = r."id" AND s."n" >= ${MIN_REQUESTS}
      RETURNING l."id"
    ), "recorded" AS (
      INSERT INTO "Lease" ("id", "instanceId", "limitIds", "money", "tokens", "requests", "day", "createdAt")
      SELECT ${id}, ${instanceId()}, s."ids", ${money}::bigint * s."n", ${tokens}::bigint * s."n", s."n"::int, ${day}::timestamp, ${at}::timestamp
      FROM "size" AS s WHERE s."n" >= ${MIN_REQUESTS}
      RETURNING "id"
    )
    SELECT s."n", s."ids" FROM "size" AS s`);
  const n = Number(row?.n ?? 0);
  if (n < MIN_REQUESTS) return null;
  const t = Date.now();
  return {
    id,
    key: keyOf(p),
    limitIds: row?.ids ?? [],
    money: money * BigInt(n),
    tokens: tokens * BigInt(n),
    requests: n,
    size: n,
    day,
    open: true,
    takenAt: t,
    lastUsed: t,
    outstanding: 0,
  };
}

/** No more requests are admitted against it; what it still holds is released once its requests are settled. */
export function closeLease(lease: Lease): void {
  if (!lease.open) return;
  lease.open = false;
  const b = book();
  if (b.byKey.get(lease.key) === lease) b.byKey.delete(lease.key);
}

/** Whether leases are suspended: the recorder cannot reach the database. */
export function leasesSuspended(): boolean {
  return book().suspended === true;
}

/**
 * Writing records failed because the database is away: every lease closes and none is used until a
 * write succeeds, so requests are refused with the exact path's 503 as before — a request is served
 * only while its record can follow.
 */
export function suspendLeases(): void {
  book().suspended = true;
  closeLeases();
}

export function resumeLeases(): void {
  book().suspended = false;
}

/** Closes every open lease (an administrator changed a level; flushRecords; shutdown). */
export function closeLeases(): void {
  for (const lease of book().all) closeLease(lease);
}

/** Waits for the leases being taken right now, then closes every lease (flushRecords, shutdown). */
export async function closeLeasesNow(): Promise<void> {
  await Promise.all(book().acquiring.values());
  closeLeases();
}

/** Deletes the Lease rows of closed leases whose requests are all settled, releasing what they still hold. */
export function drainLeases(): Promise<void> {
  const b = book();
  if (b.draining) return b.draining.then(() => drainLeases());
  const done = [...b.all].filter((l) => !l.open && l.outstanding <= 0);
  if (done.length === 0) return Promise.resolve();
  b.draining = transactionRows((run) =>
    releaseLeaseRows(
      run,
      done.map((l) => l.id),
    ),
  )
    .then(() => done.forEach((l) => b.all.delete(l)))
    .catch((err) =>
      logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        "releasing budget leases failed; retrying",
      ),
    )
    .finally(() => (b.draining = undefined));
  return b.draining;
}

async function sweep(): Promise<void> {
  const b = book();
  const t = Date.now();
  const today = startOfUtcDay(now()).getTime();
  for (const lease of b.all) {
    if (lease.open && (t - lease.lastUsed > IDLE_MS || t - lease.takenAt > MAX_AGE_MS || lease.day.getTime() !== today))
      closeLease(lease);
  }
  await drainLeases();
  if (b.all.size === 0 && b.timer) {
    clearInterval(b.timer);
    b.timer = undefined;
  }
}

/** Leases held by this instance (tests, metrics). */
export function openLeases(): number {
  return [...book().all].filter((l) => l.open).length;
}
