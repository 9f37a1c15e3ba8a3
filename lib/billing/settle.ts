import "server-only";
import { randomUUID } from "node:crypto";
import { utcDayStartMs } from "@/lib/clock";
import { LARGE_PARAMETER, type RunSql } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/logging/logger";
import type { Usage } from "@/lib/providers/types";
import { closeLease, type Lease, leaseConsumption } from "./lease";
import { chargeLimits, type LimitDelta } from "./limit-rows";
import type { Principal } from "./principal";
import { type Reservation, reservationValues, reservedColumns } from "./reservation";

export type RequestOutcome = {
  reservation: Reservation;
  principal: Principal;
  model: string;
  providerName: string | null;
  region: string | null;
  status: "OK" | "PARTIAL" | "ERROR" | "ABORTED";
  usage: Usage;
  usageEstimated: boolean;
  cost: bigint;
  latencyMs: number;
  ttftMs: number | null;
  error: string | null;
  reply: string;
  attempts: number;
  finishedAt: Date;
  /** Chat page requests name their session; API requests are grouped by these two keys. */
  sessionId?: string;
  /**
   * Computed here, at settlement, on the first call (and kept for a retried batch): hashing a large
   * conversation is then not on its request's way to the client.
   */
  sessionKey?: () => Promise<SessionKey>;
};

export type SessionKey = { header?: string; priorHash: string; nextHash: string; title: string };

export type ReleaseOnly = {
  reservation: Reservation;
  status: "ERROR" | "ABORTED";
  error: string;
  model: string;
  latencyMs: number;
  attempts: number;
};

/**
 * Writes a batch of finished requests in the caller's transaction (run on the driver, see
 * transactionRows): each request's record, session and daily usage first; then ONE update of every
 * level touched that releases the reservations and takes the real costs, and the ledger rows with
 * the balance after each charge. Limit rows are therefore locked only at the very end of the
 * transaction, briefly.
 */
export async function settleBatch(
  run: RunSql,
  items: Array<{ outcome: RequestOutcome } | { release: ReleaseOnly }>,
): Promise<void> {
  const outcomes: RequestOutcome[] = [];
  const releases: ReleaseOnly[] = [];
  for (const item of items) {
    if ("release" in item) releases.push(item.release);
    else outcomes.push(item.outcome);
  }
  // A handful of statements per batch, whatever its size: sessions, records, daily usage.
  const sessions = await apiSessionsFor(run, outcomes);
  const settledAt = new Date();
  const held = new Set([
    ...(await writeRecords(
      run,
      outcomeFields,
      outcomes.map((o) => ({ reservation: o.reservation, values: outcomeValues(o, sessions.get(o) ?? null) })),
    )),
    ...(await writeRecords(
      run,
      releaseFields,
      releases.map((r) => ({ reservation: r.reservation, values: releaseValues(r, settledAt) })),
    )),
  ]);
  await addDailyUsage(run, outcomes);

  const deltas = new Map<string, LimitDelta>();
  const delta = (id: string) => {
    let d = deltas.get(id);
    if (!d) deltas.set(id, (d = { money: 0n, tokensReserved: 0n, cost: 0n, tokens: 0n, charges: [] }));
    return d;
  };
  for (const { reservation } of [...outcomes, ...releases]) {
    // Only a reservation the limit rows still hold is released (see writeRecords); a leased one's is the lease's.
    if (!held.has(reservation.requestId)) continue;
    for (const id of reservation.limitIds) {
      const d = delta(id);
      d.money += reservation.money;
      d.tokensReserved += reservation.tokens;
    }
  }
  // A leased request releases what it consumed from its lease — unless crash recovery released the whole lease meanwhile.
  const consumed = await takeFromLeases(run, [
    ...outcomes.map((o) => ({
      reservation: o.reservation,
      cost: o.cost,
      tokens: BigInt(o.usage.promptTokens + o.usage.completionTokens),
    })),
    ...releases.map((r) => ({ reservation: r.reservation, cost: 0n, tokens: 0n })),
  ]);
  for (const [lease, c] of consumed) {
    for (const id of lease.limitIds) {
      const d = delta(id);
      d.money += c.money;
      d.tokensReserved += c.tokens;
    }
  }
  for (const o of outcomes) {
    const tokens = BigInt(o.usage.promptTokens + o.usage.completionTokens);
    for (const id of o.reservation.limitIds) {
      const d = delta(id);
      d.cost += o.cost;
      d.tokens += tokens;
      d.charges.push({ requestId: o.reservation.requestId, model: o.model, cost: o.cost, tokens });
    }
  }
  await chargeLimits(run, deltas);
}

/** The columns settlement writes for a kind of record (SQL fragments, written out), and their update. */
type RecordFields = { columns: Prisma.Sql; assignments: Prisma.Sql };
/** A request's record: its reservation, and the values of its kind's columns, typed. */
type Written = { reservation: Reservation; values: Prisma.Sql };

/**
 * Writes the records of `items`: their fields, in one statement for those whose PENDING row was
 * written by the reservation, and in one insert of the whole row for the others. Answers the ids
 * whose reservation the limit rows still hold, to be released.
 *
 * A row still PENDING holds its reservation. One that is no longer PENDING was released by crash
 * recovery meanwhile (its instance looked dead). One that is missing had its reservation lost by
 * PostgreSQL (an asynchronous commit, see reserve.ts). A request admitted against a budget lease has
 * no row at all: its lease holds what it reserved. Each is charged, but nothing is released twice.
 * (The insert also guards against a batch written twice: the row exists, so the batch fails whole.)
 */
async function writeRecords(run: RunSql, fields: RecordFields, items: Written[]): Promise<string[]> {
  const exact = items.filter((i) => !i.reservation.lease);
  const found = exact.length ? await updateRecords(run, fields, exact) : [];
  const seen = new Set(found.map((r) => r.id));
  const lost = exact.filter((i) => !seen.has(i.reservation.requestId));
  if (lost.length) {
    // (A user deleted meanwhile takes their requests along: writing the row then fails on its
    // foreign key, and the recorder drops that one record, logging it.)
    logger.warn(
      { requests: lost.map((i) => i.reservation.requestId) },
      "request rows missing at settlement: written again and charged, nothing released",
    );
  }
  const fresh = [...items.filter((i) => i.reservation.lease), ...lost];
  // A row with a large prompt is written on its own, its prompt the statement's last value
  // (largeValuesLast in lib/db/client.ts): written after it, the next rows' values made the driver
  // copy it into a larger buffer each time its buffer grew.
  const alone = fresh.filter((i) => i.reservation.pending.prompt().length >= LARGE_PARAMETER);
  for (const group of [fresh.filter((i) => !alone.includes(i)), ...alone.map((i) => [i])]) {
    if (!group.length) continue;
    const rows = group.map((i) => Prisma.sql`(${reservationValues(i.reservation)}, ${i.values})`);
    await run(Prisma.sql`INSERT INTO "Request" (${reservedColumns}, ${fields.columns}) VALUES ${Prisma.join(rows)}`);
  }
  return found.filter((r) => r.held).map((r) => r.id);
}

/** The fields of rows written at reservation, in one statement; answers, per row found, whether it was PENDING. */
function updateRecords(run: RunSql, fields: RecordFields, items: Written[]) {
  const rows = items.map((i) => Prisma.sql`(${i.reservation.requestId}::text, ${i.values})`);
  return run<{ id: string; held: boolean }>(Prisma.sql`
    WITH "v"("id", ${fields.columns}) AS (VALUES ${Prisma.join(rows)}),
    "before" AS (SELECT r."id", r."status" = 'PENDING' AS "held" FROM "Request" AS r JOIN "v" ON r."id" = "v"."id" FOR UPDATE OF r)
    UPDATE "Request" AS r SET ${fields.assignments}
    FROM "v", "before" AS b
    WHERE r."id" = v."id" AND b."id" = r."id"
    RETURNING r."id", b."held"`);
}

/** A finished request's record. */
const outcomeFields: RecordFields = {
  columns: Prisma.sql`"status", "model", "providerName", "region", "promptTokens", "completionTokens", "cachedTokens", "reasoningTokens",
    "usageEstimated", "cost", "latencyMs", "ttftMs", "error", "reply", "attempts", "sessionId", "settledAt"`,
  assignments: Prisma.sql`"status" = v."status", "model" = v."model", "providerName" = v."providerName", "region" = v."region",
    "promptTokens" = v."promptTokens", "completionTokens" = v."completionTokens", "cachedTokens" = v."cachedTokens",
    "reasoningTokens" = v."reasoningTokens", "usageEstimated" = v."usageEstimated", "cost" = v."cost", "latencyMs" = v."latencyMs",
    "ttftMs" = v."ttftMs", "error" = v."error", "reply" = v."reply", "attempts" = v."attempts", "sessionId" = v."sessionId",
    "settledAt" = v."settledAt"`,
};
const outcomeValues = (o: RequestOutcome, sessionId: string | null) =>
  Prisma.sql`${o.status}::"RequestStatus", ${o.model}::text, ${o.providerName}::text, ${o.region}::text,
    ${o.usage.promptTokens}::int, ${o.usage.completionTokens}::int, ${o.usage.cachedTokens}::int, ${o.usage.reasoningTokens}::int,
    ${o.usageEstimated}::boolean, ${o.cost}::bigint, ${o.latencyMs}::int, ${o.ttftMs}::int, ${o.error}::text, ${o.reply}::text,
    ${o.attempts}::int, ${sessionId}::text, ${o.finishedAt}::timestamp`;

/** A request that produced nothing billable: its status, error and timing. */
const releaseFields: RecordFields = {
  columns: Prisma.sql`"status", "error", "model", "latencyMs", "attempts", "settledAt"`,
  assignments: Prisma.sql`"status" = v."status", "error" = v."error", "model" = v."model", "latencyMs" = v."latencyMs",
    "attempts" = v."attempts", "settledAt" = v."settledAt"`,
};
const releaseValues = (r: ReleaseOnly, settledAt: Date) =>
  Prisma.sql`${r.status}::"RequestStatus", ${r.error}::text, ${r.model}::text, ${r.latencyMs}::int, ${r.attempts}::int, ${settledAt}::timestamp`;

/** The pre-aggregated daily rows the usage analytics read: the batch summed per day, user, key and model first. */
async function addDailyUsage(run: RunSql, outcomes: RequestOutcome[]): Promise<void> {
  const sums = new Map<
    string,
    {
      day: Date;
      userId: string;
      groupId: string;
      keyId: string;
      model: string;
      requests: number;
      prompt: number;
      completion: number;
      cost: bigint;
    }
  >();
  const days = new Map<number, { day: Date; name: string }>();
  for (const o of outcomes) {
    if (o.usage.promptTokens + o.usage.completionTokens === 0 && o.cost === 0n) continue;
    // A batch's requests nearly always share their day: its date and name are made once.
    const dayMs = utcDayStartMs(o.finishedAt.getTime());
    let day = days.get(dayMs);
    if (!day) {
      const start = new Date(dayMs);
      days.set(dayMs, (day = { day: start, name: start.toISOString().slice(0, 10) }));
    }
    const keyId = o.principal.key?.id ?? "";
    const id = `${day.name}:${o.principal.userId}:${keyId}:${o.model}`;
    const sum = sums.get(id) ?? {
      day: day.day,
      userId: o.principal.userId,
      groupId: o.principal.groupId ?? "",
      keyId,
      model: o.model,
      requests: 0,
      prompt: 0,
      completion: 0,
      cost: 0n,
    };
    sum.requests += 1;
    sum.prompt += o.usage.promptTokens;
    sum.completion += o.usage.completionTokens;
    sum.cost += o.cost;
    sums.set(id, sum);
  }
  if (sums.size === 0) return;
  const rows = [...sums].map(
    ([id, u]) =>
      Prisma.sql`(${id}::text, ${u.day}::date, ${u.userId}::text, ${u.groupId}::text, ${u.keyId}::text, ${u.model}::text, ${u.requests}::int, ${u.prompt}::bigint, ${u.completion}::bigint, ${u.cost}::bigint)`,
  );
  await run(Prisma.sql`
    INSERT INTO "UsageDaily" ("id", "day", "userId", "groupId", "apiKeyId", "model", "requests", "promptTokens", "completionTokens", "cost")
    VALUES ${Prisma.join(rows)}
    ON CONFLICT ("day", "userId", "apiKeyId", "model") DO UPDATE SET
      "requests" = "UsageDaily"."requests" + EXCLUDED."requests",
      "promptTokens" = "UsageDaily"."promptTokens" + EXCLUDED."promptTokens",
      "completionTokens" = "UsageDaily"."completionTokens" + EXCLUDED."completionTokens",
      "cost" = "UsageDaily"."cost" + EXCLUDED."cost"`);
}

/**
 * Takes what each leased request consumed (its real cost and tokens, at most its worst case, and one
 * request) out of its Lease row; answers, per lease still recorded, what its levels release. A lease
 * that is gone was released whole by crash recovery (this instance looked dead): nothing more then.
 */
async function takeFromLeases(
  run: RunSql,
  items: Array<{ reservation: Reservation; cost: bigint; tokens: bigint }>,
): Promise<Map<Lease, { money: bigint; tokens: bigint }>> {
  const takes = new Map<Lease, { money: bigint; tokens: bigint; requests: number }>();
  for (const { reservation, cost, tokens } of items) {
    if (!reservation.lease) continue;
    const used = leaseConsumption(reservation, cost, tokens);
    const t = takes.get(reservation.lease) ?? { money: 0n, tokens: 0n, requests: 0 };
    t.money += used.money;
    t.tokens += used.tokens;
    t.requests += 1;
    takes.set(reservation.lease, t);
  }
  if (takes.size === 0) return takes;
  const rows = [...takes].map(
    ([lease, t]) => Prisma.sql`(${lease.id}::text, ${t.money}::bigint, ${t.tokens}::bigint, ${t.requests}::int)`,
  );
  const alive = await run<{ id: string }>(Prisma.sql`
    UPDATE "Lease" AS l SET "money" = l."money" - v."money", "tokens" = l."tokens" - v."tokens", "requests" = l."requests" - v."requests"
    FROM (VALUES ${Prisma.join(rows)}) AS v("id", "money", "tokens", "requests")
    WHERE l."id" = v."id"
    RETURNING l."id"`);
  const ids = new Set(alive.map((r) => r.id));
  for (const lease of takes.keys()) {
    if (ids.has(lease.id)) continue;
    takes.delete(lease);
    closeLease(lease); // what it held is no longer reserved: admit nothing more against it
  }
  return takes;
}

// API clients are stateless: a request continues the session whose last exchange equals this
// request's prior messages (or that carries the same x-session-id header). A batch looks up all of
// its conversations in one query and resolves them in order, so a conversation that goes on within
// the batch stays one session; new sessions are inserted together and moved ones updated together.
async function apiSessionsFor(run: RunSql, outcomes: RequestOutcome[]): Promise<Map<RequestOutcome, string | null>> {
  const result = new Map<RequestOutcome, string | null>();
  const keyed = outcomes.filter((o) => !o.sessionId && o.sessionKey);
  const keys = new Map(await Promise.all(keyed.map(async (o) => [o, await o.sessionKey!()] as const)));
  const keyOf = (o: RequestOutcome) => keys.get(o)!;
  const lookupOf = (o: RequestOutcome) => (keyOf(o).header ? `hdr:${keyOf(o).header}` : keyOf(o).priorHash);
  for (const o of outcomes) result.set(o, o.sessionId ?? null);
  if (keyed.length === 0) return result;

  // Where each (user, hash) points now: the stored sessions first, then this batch's moves.
  const at = (userId: string, hash: string) => `${userId}\u0000${hash}`;
  const current = new Map<string, string>();
  const wanted = keyed.map((o) => Prisma.sql`(${o.principal.userId}::text, ${lookupOf(o)}::text)`);
  const found = await run<{ id: string; userId: string; conversationHash: string }>(Prisma.sql`
    SELECT "id", "userId", "conversationHash" FROM "ChatSession"
    WHERE ("userId", "conversationHash") IN (VALUES ${Prisma.join(wanted)})
    ORDER BY "updatedAt" ASC`); // the newest last, so it wins
  for (const s of found) current.set(at(s.userId, s.conversationHash), s.id);

  type NewSession = {
    id: string;
    userId: string;
    apiKeyId: string | null;
    title: string;
    model: string;
    conversationHash: string;
    createdAt: Date;
    updatedAt: Date;
  };
  const created: NewSession[] = [];
  // A session's times are its requests' finishing times, not when their records happened to be written.
  const moved = new Map<string, { hash: string; model: string; at: Date }>();
  for (const o of keyed) {
    const key = keyOf(o);
    const userId = o.principal.userId;
    const nextHash = key.header ? `hdr:${key.header}` : key.nextHash;
    let id = current.get(at(userId, lookupOf(o)));
    if (id) {
      current.delete(at(userId, lookupOf(o)));
      moved.set(id, { hash: nextHash, model: o.model, at: o.finishedAt });
    } else {
      id = randomUUID();
      created.push({
        id,
        userId,
        apiKeyId: o.principal.key?.id ?? null,
        title: key.title || "API conversation",
        model: o.model,
        conversationHash: nextHash,
        createdAt: o.finishedAt,
        updatedAt: o.finishedAt,
      });
    }
    current.set(at(userId, nextHash), id);
    result.set(o, id);
  }
  const createdIds = new Set(created.map((c) => c.id));
  for (const c of created) {
    const last = moved.get(c.id);
    if (last) Object.assign(c, { conversationHash: last.hash, model: last.model, updatedAt: last.at });
  }
  if (created.length) {
    const rows = created.map(
      (
        c,
      ) => Prisma.sql`(${c.id}::text, ${c.userId}::text, ${c.apiKeyId}::text, 'API'::"SessionSource", ${c.title}::text, ${c.model}::text,
        ${c.conversationHash}::text, ${c.createdAt}::timestamp, ${c.updatedAt}::timestamp)`,
    );
    await run(Prisma.sql`
      INSERT INTO "ChatSession" ("id", "userId", "apiKeyId", "source", "title", "model", "conversationHash", "createdAt", "updatedAt")
      VALUES ${Prisma.join(rows)}`);
  }
  const updates = [...moved].filter(([id]) => !createdIds.has(id));
  if (updates.length) {
    const rows = updates.map(
      ([id, m]) => Prisma.sql`(${id}::text, ${m.hash}::text, ${m.model}::text, ${m.at}::timestamp)`,
    );
    await run(Prisma.sql`
      UPDATE "ChatSession" AS s SET "conversationHash" = v."hash", "model" = v."model", "updatedAt" = GREATEST(s."updatedAt", v."at")
      FROM (VALUES ${Prisma.join(rows)}) AS v("id", "hash", "model", "at")
      WHERE s."id" = v."id"`);
  }
  return result;
}
